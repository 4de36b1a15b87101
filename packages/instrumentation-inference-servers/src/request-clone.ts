import { readInMemoryBody, type ReadBody } from './request-body.js';

/** Which requests a `fetch(request)` body is read for, and how many of its bytes may be held. */
export interface RequestBodyReader {
  /** Whether a request to `url` with `method` is one an observer traces. */
  wants(method: string, url: string): boolean;
  maxBodyBytes(): number;
}

/** The readers of the enabled instrumentations; a `fetch(request)` body is read when one wants it. */
const readers = new Set<RequestBodyReader>();

export function addRequestBodyReader(reader: RequestBodyReader): void {
  readers.add(reader);
}

export function removeRequestBodyReader(reader: RequestBodyReader): void {
  readers.delete(reader);
}

/**
 * The body of a `Request` handed to `fetch`, read from a clone of the request. A Request holds its body
 * as a stream, whatever the app gave (https://fetch.spec.whatwg.org/#dom-request-clone): `clone()` tees
 * it, so the app's request keeps one branch, which `fetch` consumes exactly as it would have, and the
 * copy the other, read here up to the bound and then cancelled (which leaves the app's branch alone).
 * The read ends after `fetch` has started; until then `read` is pending and `result` undefined.
 */
export class ClonedRequestBody {
  /** The body once read: parsed JSON (or nothing), and whether it was over the bound. */
  result: ReadBody | undefined;
  readonly read: Promise<ReadBody>;

  constructor(stream: ReadableStream<Uint8Array>, maxBytes: number) {
    this.read = readBounded(stream, maxBytes).then(
      (result) => (this.result = result),
      () => (this.result = { value: undefined, truncated: false }),
    );
  }
}

/** A `fetch(input, init)` call's Request body to read: only when `init` gives none and an observer wants the request. */
export function clonedRequestBody(input: unknown, init: unknown): ClonedRequestBody | undefined {
  if (readers.size === 0 || !isRequest(input) || input.body === null || input.bodyUsed) return undefined;
  if (init !== null && typeof init === 'object' && (init as { body?: unknown }).body !== undefined) return undefined;
  let maxBytes = -1;
  for (const reader of readers) if (reader.wants(input.method.toUpperCase(), input.url)) maxBytes = Math.max(maxBytes, reader.maxBodyBytes());
  if (maxBytes < 0) return undefined;
  const body = input.clone().body;
  return body ? new ClonedRequestBody(body, maxBytes) : undefined;
}

/** A fetch `Request` (the global one or the `undici` package's): what is read of it here, by its public API. */
interface RequestLike {
  url: string;
  method: string;
  body: ReadableStream<Uint8Array> | null;
  bodyUsed: boolean;
  clone(): { body: ReadableStream<Uint8Array> | null };
}

function isRequest(value: unknown): value is RequestLike {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Partial<RequestLike>;
  return typeof r.url === 'string' && typeof r.method === 'string' && typeof r.clone === 'function' && typeof r.bodyUsed === 'boolean' && 'body' in r;
}

async function readBounded(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<ReadBody> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        await reader.cancel();
        return { value: undefined, truncated: true };
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return readInMemoryBody(Buffer.concat(chunks), maxBytes);
}
