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

/** One observation's state; it never refers to the body, so a body nobody holds can be collected. */
class Observation {
  readonly digest = new ContentDigest();
  done = false;
  constructor(readonly onEnd: BodyEnd) {}

  end(complete: boolean, error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.onEnd(complete ? this.digest : undefined, error);
  }
}

function observeReadable(stream: Readable, onEnd: BodyEnd): boolean {
  if (Object.prototype.hasOwnProperty.call(stream, 'emit') || stream.readableEnded || stream.destroyed) return false;
  const observation = new Observation(onEnd);
  const emit = stream.emit;
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

function observeWebStream(stream: ReadableStream, onEnd: BodyEnd): boolean {
  if (stream.locked || Object.prototype.hasOwnProperty.call(stream, 'getReader')) return false;
  const observation = new Observation(onEnd);
  const getReader = stream.getReader;
  const shadow = (name: string | symbol, value: unknown): void => {
    Object.defineProperty(stream, name, { value, writable: true, configurable: true, enumerable: false });
  };
  shadow('getReader', function observedGetReader(this: ReadableStream, ...args: unknown[]) {
    const reader = (getReader as (...a: unknown[]) => unknown).apply(this, args);
    if (reader && typeof (reader as { read?: unknown }).read === 'function' && args[0] === undefined) {
      const read = (reader as ReadableStreamDefaultReader).read;
      shadowRead(reader as object, read, observation);
    }
    return reader;
  });
  const iterate = (stream as unknown as { values?: (options?: unknown) => AsyncIterator<unknown> }).values;
  if (typeof iterate === 'function') {
    const observedValues = function (this: ReadableStream, options?: unknown): AsyncIterator<unknown> {
      const iterator = iterate.call(this, options);
      const next = iterator.next;
      Object.defineProperty(iterator, 'next', {
        value: (...args: []) =>
          next.apply(iterator, args).then(
            (result) => {
              observeResult(observation, result);
              return result;
            },
            (error: unknown) => {
              observation.end(false, error);
              throw error;
            },
          ),
        writable: true,
        configurable: true,
      });
      return iterator;
    };
    shadow('values', observedValues);
    shadow(Symbol.asyncIterator, observedValues);
  }
  return true;
}

function shadowRead(reader: object, read: ReadableStreamDefaultReader['read'], observation: Observation): void {
  Object.defineProperty(reader, 'read', {
    value: function observedRead(this: ReadableStreamDefaultReader) {
      return read.call(this).then(
        (result) => {
          observeResult(observation, result);
          return result;
        },
        (error: unknown) => {
          observation.end(false, error);
          throw error;
        },
      );
    },
    writable: true,
    configurable: true,
  });
}

function observeResult(observation: Observation, result: { done?: boolean; value?: unknown }): void {
  try {
    if (result.done) observation.end(true);
    else observation.digest.update(result.value);
  } catch {
    // Never in the reader's way.
  }
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
    if (!used) {
      used = true;
      observeWebStream(stream, onEnd);
    }
    return stream;
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
