import { wellFormed } from '../normalise.js';
import { writeVarint } from '../varint.js';

/**
 * Buffer's own UTF-8 writer without write()'s argument handling (present on every Node version this
 * package supports; write() is the fallback). Lone surrogates come out as U+FFFD, as FORMAT.md wants.
 */
const utf8Write = (Buffer.prototype as unknown as { utf8Write?: (this: Buffer, s: string, offset: number) => number }).utf8Write;
const latin1Write = (Buffer.prototype as unknown as { latin1Write?: (this: Buffer, s: string, offset: number) => number }).latin1Write;

/** Longest run copied by a JS loop rather than a native copy. */
const SHORT = 16;

/**
 * A growable byte buffer for one append: every record line (or pack section) of the append is written
 * into one allocation, straight from the span: no record string, no Buffer per line, no concat at the
 * end. Views handed out with {@link ByteBatch.view} stay valid (and unchanged) when the buffer grows:
 * growing copies into a new buffer and leaves the old one to its views.
 *
 * Short writes are byte loops: for the few bytes of a separator, an id or a number a loop the JIT
 * compiles costs less than a call into Buffer's native writers, which cost about the same (~25 ns on
 * Node 20) for 16 bytes as for 64.
 */
export class ByteBatch {
  buf: Buffer;
  pos: number;

  /** `buf`: where to start writing (e.g. a reused buffer); grown by copying into a new one when full. */
  constructor(buf: Buffer) {
    this.buf = buf;
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n + 4096));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Appends the UTF-8 bytes of `text` (lone surrogates become U+FFFD); returns the start offset. */
  writeUtf8(text: string): number {
    // 3 bytes per UTF-16 code unit is the most UTF-8 can need.
    this.ensure(text.length * 3);
    const start = this.pos;
    this.pos += utf8Write ? utf8Write.call(this.buf, text, start) : this.buf.write(text, start, 'utf8');
    return start;
  }

  /** Appends a string known to hold only ASCII characters (ids checked elsewhere, digits, base32, cached keys). */
  ascii(text: string): void {
    const n = text.length;
    this.ensure(n);
    if (n > SHORT && latin1Write) {
      this.pos += latin1Write.call(this.buf, text, this.pos);
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  /** Appends the first `length` bytes of `bytes`. */
  bytes(bytes: Uint8Array, length: number = bytes.length): void {
    this.ensure(length);
    const buf = this.buf;
    if (length > SHORT) {
      buf.set(length === bytes.length ? bytes : bytes.subarray(0, length), this.pos);
      this.pos += length;
      return;
    }
    let p = this.pos;
    for (let i = 0; i < length; i++) buf[p++] = bytes[i]!;
    this.pos = p;
  }

  writeBytes(bytes: Uint8Array): number {
    const start = this.pos;
    this.bytes(bytes);
    return start;
  }

  writeByte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A non-negative safe integer's decimal digits. */
  digits(n: number): void {
    if (n < 10) {
      this.writeByte(48 + n);
      return;
    }
    this.ascii('' + n);
  }

  /**
   * Appends `s` as a DAG-JSON string (FORMAT.md section 8: what JSON.stringify writes, lone surrogates
   * replaced by U+FFFD first). Printable ASCII without `"` or `\` is copied in one loop that checks as it
   * copies; anything else is quoted by JSON.stringify and UTF-8 encoded.
   */
  jsonString(s: string): void {
    const n = s.length;
    this.ensure(n + 2);
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    buf[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92) {
        this.pos = start;
        this.jsonStringSlow(s, i);
        return;
      }
      buf[p++] = c;
    }
    buf[p++] = 34;
    this.pos = p;
  }

  /** `s` from its first character that is not plain printable ASCII (`from`). */
  private jsonStringSlow(s: string, from: number): void {
    for (let i = from; i < s.length; i++) {
      const c = s.charCodeAt(i);
      // Control characters, quotes, backslashes and surrogates are JSON.stringify's business.
      if (c < 0x20 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) {
        this.writeUtf8(JSON.stringify(wellFormed(s)));
        return;
      }
    }
    // Only characters UTF-8 writes as they are (no escape needed).
    this.writeByte(34);
    this.writeUtf8(s);
    this.writeByte(34);
  }

  /** Unsigned LEB128 varint (multiformats / CAR section lengths). */
  writeVarint(value: number): void {
    this.ensure(10);
    this.pos += writeVarint(this.buf, this.pos, value);
  }

  /** A view of bytes [start, end) of the current buffer (no copy). */
  view(start: number, end: number = this.pos): Buffer {
    return this.buf.subarray(start, end);
  }
}
