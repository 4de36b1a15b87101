import { writeVarint } from '../varint.js';

/**
 * A growable byte buffer for one append: every record line (or pack section) of the append is written
 * into one allocation instead of one Buffer per line plus a Buffer.concat at the end. Views handed out
 * with {@link ByteBatch.view} stay valid (and unchanged) when the buffer grows: growing copies into a
 * new buffer and leaves the old one to its views.
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
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Appends the UTF-8 bytes of `text` (well-formed: no lone surrogates); returns the start offset. */
  writeUtf8(text: string): number {
    // 3 bytes per UTF-16 code unit is the most UTF-8 can need; only count exactly when that might not fit.
    if (this.pos + text.length * 3 > this.buf.length) this.ensure(Buffer.byteLength(text, 'utf8'));
    const start = this.pos;
    this.pos += this.buf.write(text, start, 'utf8');
    return start;
  }

  writeBytes(bytes: Uint8Array): number {
    this.ensure(bytes.length);
    const start = this.pos;
    this.buf.set(bytes, start);
    this.pos += bytes.length;
    return start;
  }

  writeByte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
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
