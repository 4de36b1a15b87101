/**
 * Sequential reading of a file through one reused buffer (fs.readSync at explicit positions), so readers
 * of a store or CAR of any size hold one window of it at a time. Items (lines, sections) are read in
 * place from the window; a single item larger than the window grows it to that item's size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Default window: large enough that read syscalls cost little next to hashing what they bring. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;

export interface ChunkedFileOptions {
  /** Window size in bytes (tests use a small one to exercise items that straddle reads). */
  chunkSize?: number;
  /** File offset to start at. */
  start?: number;
}

export class ChunkedFile {
  /** The window; valid data is buf[pos, end), and buf[0] is at file offset `base`. */
  buf: Buffer;
  pos = 0;
  end = 0;
  base: number;
  /** True once a read returned nothing: `end` is the end of the file as it was then. */
  eof = false;
  /** After nextLine() returned true: the line is buf[lineStart, lineEnd) (newline excluded). */
  lineStart = 0;
  lineEnd = 0;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly chunkSize: number,
    start: number,
  ) {
    this.fd = fd;
    this.base = start;
    this.buf = Buffer.allocUnsafeSlow(chunkSize);
  }

  /** Opens `path` for reading (throws the fs error, e.g. ENOENT). */
  static open(path: string, options: ChunkedFileOptions = {}): ChunkedFile {
    const fd = openSync(path, 'r');
    return new ChunkedFile(path, fd, Math.max(64, options.chunkSize ?? DEFAULT_CHUNK_SIZE), options.start ?? 0);
  }

  /** File offset of buf[pos]. */
  get offset(): number {
    return this.base + this.pos;
  }

  /**
   * Makes at least `n` bytes available at `pos` (fewer only at the end of the file); returns how many are.
   * Moves the window: offsets into `buf` taken before the call are invalid after it.
   */
  need(n: number): number {
    if (this.end - this.pos >= n || this.eof) return this.end - this.pos;
    if (this.pos > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
    }
    if (n > this.buf.length) {
      // A length read from a damaged file can be anything (a section "of 14 GB"): never grow the window past
      // what the file holds now, so the caller sees the shortfall (truncated) instead of an allocation error.
      n = Math.min(n, Math.max(this.end, fstatSync(this.fd!).size - this.base));
    }
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    while (this.end < n) {
      const got = readSync(this.fd!, this.buf, this.end, this.buf.length - this.end, this.base + this.end);
      if (got === 0) {
        this.eof = true;
        break;
      }
      this.end += got;
    }
    return this.end - this.pos;
  }

  /** Moves to file offset `offset`: within the window if it is there, else the next need() reads from it. */
  seek(offset: number): void {
    if (offset >= this.base && offset <= this.base + this.end) {
      this.pos = offset - this.base;
      return;
    }
    this.base = offset;
    this.pos = 0;
    this.end = 0;
    this.eof = false;
  }

  /** Skips `n` available bytes. */
  skip(n: number): void {
    this.pos += n;
  }

  /**
   * Moves to the next complete line (ending in `\n`): true with lineStart/lineEnd set, or false when only
   * bytes without a newline remain (a torn tail: buf[pos, end) at the end of the file) or nothing does.
   */
  nextLine(): boolean {
    let from = this.pos;
    for (;;) {
      // indexOf may look past `end` into stale bytes: a hit there is no hit
      const nl = this.end > from ? this.buf.indexOf(0x0a, from) : -1;
      if (nl >= 0 && nl < this.end) {
        this.lineStart = this.pos;
        this.lineEnd = nl;
        this.pos = nl + 1;
        return true;
      }
      if (this.eof) return false;
      const have = this.end - this.pos;
      this.need(have + Math.min(this.chunkSize, Math.max(have, 64 * 1024)));
      from = this.pos + have;
      if (this.end - this.pos === have) {
        this.eof = true;
        return false;
      }
    }
  }

  /** Reads up to `length` bytes at file offset `offset` into the window start (random access, e.g. one block). */
  readAt(offset: number, length: number): Buffer {
    if (this.buf.length < length) this.buf = Buffer.allocUnsafeSlow(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd!, this.buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    // the window no longer holds sequential data
    this.base = offset;
    this.pos = 0;
    this.end = got;
    this.eof = got < length;
    return this.buf.subarray(0, got);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
