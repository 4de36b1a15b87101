/** A request body as far as it is read: parsed JSON, or nothing; and whether it was over the bound. */
export interface ReadBody {
  value: unknown;
  truncated: boolean;
}

const NOTHING: ReadBody = { value: undefined, truncated: false };

/**
 * The JSON of a request body that is already in memory: a string, a Buffer or other typed array /
 * DataView, an ArrayBuffer, URLSearchParams (form text: no JSON, nothing read). Anything else (a stream,
 * an async iterable, a Blob, FormData) is never touched: reading it would consume or delay it.
 */
export function readInMemoryBody(body: unknown, maxBytes: number): ReadBody {
  let text: string;
  if (typeof body === 'string') {
    if (body.length > maxBytes) return { value: undefined, truncated: true };
    text = body;
  } else if (ArrayBuffer.isView(body)) {
    if (body.byteLength > maxBytes) return { value: undefined, truncated: true };
    text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  } else if (body instanceof ArrayBuffer) {
    if (body.byteLength > maxBytes) return { value: undefined, truncated: true };
    text = Buffer.from(body).toString('utf8');
  } else return NOTHING;
  return { value: parseJson(text), truncated: false };
}

/** Whether `body` is one of the in-memory kinds `readInMemoryBody` reads. */
export function isInMemoryBody(body: unknown): boolean {
  return typeof body === 'string' || ArrayBuffer.isView(body) || body instanceof ArrayBuffer;
}

function parseJson(text: string): unknown {
  const t = text.trimStart();
  if (t === '' || (t[0] !== '{' && t[0] !== '[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Chunks written to a `node:http` request, held up to `maxBytes` (beyond it, only counted). */
export class WrittenBody {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private over = false;

  constructor(private readonly maxBytes: number) {}

  add(chunk: unknown, encoding: unknown): void {
    if (this.over || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    let buffer: Buffer;
    if (typeof chunk === 'string') {
      if (this.bytes + chunk.length > this.maxBytes) return this.overflow();
      buffer = Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
    } else if (ArrayBuffer.isView(chunk)) {
      if (this.bytes + chunk.byteLength > this.maxBytes) return this.overflow();
      // A view onto the caller's own bytes: nothing is copied until the request ends.
      buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } else return;
    this.bytes += buffer.byteLength;
    this.chunks.push(buffer);
  }

  read(): ReadBody {
    if (this.over) return { value: undefined, truncated: true };
    const text = Buffer.concat(this.chunks).toString('utf8');
    this.chunks = [];
    return { value: parseJson(text), truncated: false };
  }

  private overflow(): void {
    this.over = true;
    this.chunks = [];
  }
}
