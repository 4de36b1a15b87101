import { Readable } from 'node:stream';
import { ContentDigest } from './content-cid.js';

/** What happens when the observed bytes have all passed (`digest` finished) or stopped short (`undefined`). */
export type BodyEnd = (digest: ContentDigest | undefined, error?: unknown) => void;

/**
 * Hashes a body as its bytes are read by whoever reads them (the SDK's HTTP handler for a request body,
 * the app for a response body), without changing the body object, its bytes or their timing: each chunk
 * is hashed when it is handed over. Returns false when the body is of no shape we can observe.
 *
 * - string, Buffer, Uint8Array: hashed at once (the SDK holds them whole anyway).
 * - Node Readable: every chunk a Readable hands out, through `pipe`, `'data'` listeners, `read()` or
 *   async iteration, passes through its `emit('data')`; `emit` is shadowed on the instance only.
 * - web ReadableStream: `getReader()` and async iteration are shadowed on the instance.
 * - Blob: `stream()`, `arrayBuffer()` and `bytes()` are shadowed on the instance.
 */
export function observeBody(body: unknown, onEnd: BodyEnd): boolean {
  if (typeof body === 'string') {
    const digest = new ContentDigest();
    digest.updateText(body);
    onEnd(digest);
    return true;
  }
  if (body instanceof Uint8Array) {
    const digest = new ContentDigest();
    digest.update(body);
    onEnd(digest);
    return true;
  }
  if (body instanceof Readable) return observeReadable(body, onEnd);
  if (typeof ReadableStream === 'function' && body instanceof ReadableStream) return observeWebStream(body, onEnd);
  if (typeof Blob === 'function' && body instanceof Blob) return observeBlob(body, onEnd);
  return false;
}

/**
 * Observes a response body as the app reads it. Only a Node Readable (what the SDK's Node HTTP handler
 * returns) is observed: it reports its end or its destruction, so the span always ends. A web stream body
 * (the fetch handler) can be read through paths no instance method sees, and would hold its span open.
 */
export function observeResponseBody(body: unknown, onEnd: BodyEnd): boolean {
  return body instanceof Readable && observeReadable(body, onEnd);
}

/** One observation's state; it never refers to the body, so a body nobody holds can be collected. */
class Observation {
  readonly digest = new ContentDigest();
  done = false;
  constructor(readonly onEnd: BodyEnd) {}

  end(complete: boolean, error?: unknown): void {
    if (this.done) return;
    this.done = true;
    collected?.unregister(this);
    this.onEnd(complete ? this.digest : undefined, error);
  }
}

/**
 * A body that is let go unread and never destroyed (so it never emits 'close') still ends its observation
 * once it is collected: its span ends, without a CID.
 */
const collected =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Observation>((observation) => {
        try {
          observation.end(false);
        } catch {
          // Nothing to report to: the app has long moved on.
        }
      })
    : undefined;

function observeReadable(stream: Readable, onEnd: BodyEnd): boolean {
  if (Object.prototype.hasOwnProperty.call(stream, 'emit') || stream.readableEnded || stream.destroyed) return false;
  const observation = new Observation(onEnd);
  collected?.register(stream, observation, observation);
  const emit = Reflect.get(stream, 'emit') as (this: Readable, event: string | symbol, ...args: unknown[]) => boolean;
  const restore = (): void => {
    // Back to the prototype's emit, unless someone shadowed ours in turn.
    if (stream.emit === observedEmit) delete (stream as { emit?: unknown }).emit;
  };
  function observedEmit(this: Readable, event: string | symbol, ...args: unknown[]): boolean {
    try {
      if (event === 'data') observation.digest.update(args[0]);
      else if (event === 'end') observation.end(true);
      else if (event === 'error') observation.end(false, args[0]);
      else if (event === 'close') {
        observation.end(false);
        restore();
      }
    } catch {
      // Hashing never stands between the stream and its listeners.
    }
    return emit.call(this, event, ...args);
  }
  Object.defineProperty(stream, 'emit', { value: observedEmit, writable: true, configurable: true, enumerable: false });
  return true;
}

/**
 * A web ReadableStream is read by its consumer through public methods (undici's fetch `tee()`s a request
 * body, Readable.fromWeb takes a reader), and then through internal algorithms no instance method sees.
 * So the first public method called on it is served by a copy of the stream piped through a
 * TransformStream that hashes each chunk as it passes: same chunks, same order, read on demand.
 */
function observeWebStream(stream: ReadableStream, onEnd: BodyEnd): boolean {
  if (stream.locked || Object.prototype.hasOwnProperty.call(stream, 'getReader')) return false;
  const observation = new Observation(onEnd);
  const proto = Object.getPrototypeOf(stream) as ReadableStream;
  let hashed: ReadableStream | undefined;
  const hashedOf = (source: ReadableStream): ReadableStream => (hashed ??= hashingCopy(source, observation));
  const methods: (string | symbol)[] = ['getReader', 'values', Symbol.asyncIterator, 'tee', 'pipeTo', 'pipeThrough'];
  for (const name of methods) {
    const method = (proto as unknown as Record<string | symbol, unknown>)[name];
    if (typeof method !== 'function') continue;
    Object.defineProperty(stream, name, {
      value: function observed(this: ReadableStream, ...args: unknown[]) {
        const target = this === stream ? hashedOf(this) : this;
        return (method as (...a: unknown[]) => unknown).apply(target, args);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  // `locked` is what the SDK checks before reading: the copy's lock is the stream's.
  Object.defineProperty(stream, 'locked', {
    get: (): boolean => (hashed ? hashed.locked : (Object.getOwnPropertyDescriptor(proto, 'locked')?.get?.call(stream) as boolean)),
    configurable: true,
  });
  return true;
}

/** `source` piped through a TransformStream that hashes each chunk on its way and ends `observation` after the last. */
function hashingCopy(source: ReadableStream, observation: Observation): ReadableStream {
  const hashing = new TransformStream<unknown, unknown>({
    transform(chunk, controller) {
      try {
        observation.digest.update(chunk);
      } catch {
        // Never in the reader's way.
      }
      controller.enqueue(chunk);
    },
    flush() {
      observation.end(true);
    },
  });
  return ReadableStream.prototype.pipeThrough.call(source, hashing) as ReadableStream;
}

function observeBlob(blob: Blob, onEnd: BodyEnd): boolean {
  if (Object.prototype.hasOwnProperty.call(blob, 'stream')) return false;
  let used = false;
  const proto = Object.getPrototypeOf(blob) as Blob;
  const shadow = (name: string, value: unknown): void => {
    Object.defineProperty(blob, name, { value, writable: true, configurable: true, enumerable: false });
  };
  // A Blob can be read any number of times: the first read is the one that carries the bytes.
  shadow('stream', function observedStream(this: Blob) {
    const stream = proto.stream.call(this);
    if (used) return stream;
    used = true;
    return hashingCopy(stream, new Observation(onEnd));
  });
  for (const name of ['arrayBuffer', 'bytes'] as const) {
    const read = (proto as unknown as Record<string, unknown>)[name];
    if (typeof read !== 'function') continue;
    shadow(name, function observedRead(this: Blob) {
      const result = (read as () => Promise<ArrayBuffer | Uint8Array>).call(this);
      if (used) return result;
      used = true;
      return result.then(
        (bytes) => {
          const digest = new ContentDigest();
          digest.update(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
          onEnd(digest);
          return bytes;
        },
        (error: unknown) => {
          onEnd(undefined, error);
          throw error;
        },
      );
    });
  }
  return true;
}
