/**
 * Streams a CARv1 file: varint(header length) | header, then per block varint(CID + data length) | CID |
 * data. Spec: https://ipld.io/specs/transport/car/carv1/#format-description
 *
 * The root can be given at the end: a writer that only knows its root (a manifest linking everything)
 * after streaming the blocks reserves a header of the right size and fills it in on close. Output goes
 * through one reused buffer, so small blocks cost a copy, not a syscall each.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { encodeVarint } from '../cid.js';
import { fsyncDir, tempName } from '../fs-util.js';
import { encodeCarHeader } from './car-header.js';

const OUT_BUFFER = 1 << 20;

export interface CarFileWriterOptions {
  /** Root CIDs known up front (binary form). */
  roots?: readonly Uint8Array[];
  /** Otherwise: the length of the one root CID that close(root) will fill in (37 for a dag-json CIDv1). */
  rootLength?: number;
}

/**
 * Writes to a private temp file beside `file` and renames it into place on close (then fsyncs the
 * directory), so a crash never leaves a half-written CAR under the final name and a reported success
 * survives a crash; two exports to the same name never share a temp file. Blocks are written in the
 * order given; the caller avoids duplicates.
 */
export class CarFileWriter {
  private fd: number | undefined;
  private readonly tmp: string;
  private readonly out = Buffer.allocUnsafeSlow(OUT_BUFFER);
  private used = 0;
  private flushed = 0;
  private readonly headerLength: number;
  private readonly rootPending: number | undefined;

  constructor(
    private readonly file: string,
    options: CarFileWriterOptions = {},
  ) {
    this.tmp = tempName(dirname(file), basename(file));
    this.fd = openSync(this.tmp, 'w', 0o644);
    const roots = options.roots ?? [new Uint8Array(options.rootLength ?? 37)];
    this.rootPending = options.roots ? undefined : roots[0]!.length;
    const header = encodeCarHeader(roots);
    const head = Uint8Array.from([...encodeVarint(header.length), ...header]);
    this.headerLength = head.length;
    this.append(head);
  }

  /** Appends one section. `cid` is the binary CID of `bytes`. */
  writeBlock(cid: Uint8Array, bytes: Uint8Array): void {
    let n = cid.length + bytes.length;
    if (this.used + 9 > this.out.length) this.flush();
    // the section length as an unsigned varint, straight into the output buffer
    while (n >= 0x80) {
      this.out[this.used++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.out[this.used++] = n;
    this.append(cid);
    this.append(bytes);
  }

  /**
   * Appends sections already encoded (`varint | CID | block`, e.g. copied from a store pack, whose
   * sections are CAR sections): bytes[start, end). A Buffer, so the copy needs no view object per call.
   */
  writeSections(bytes: Buffer, start: number, end: number): void {
    if (this.fd === undefined) throw new Error('CarFileWriter: already closed');
    const n = end - start;
    if (this.used + n > this.out.length) {
      this.flush();
      if (n > this.out.length) {
        this.writeAll(bytes.subarray(start, end));
        return;
      }
    }
    bytes.copy(this.out, this.used, start, end);
    this.used += n;
  }

  /** Drops everything written after `size` bytes (a size this writer had reached), to write it again. */
  truncate(size: number): void {
    if (this.fd === undefined) throw new Error('CarFileWriter: already closed');
    this.flush();
    if (size > this.flushed) throw new Error('CarFileWriter: cannot truncate forward');
    ftruncateSync(this.fd, size);
    this.flushed = size;
  }

  /** Bytes written so far, header included. */
  get size(): number {
    return this.flushed + this.used;
  }

  /** Flushes to disk (filling in the root first when it was left open) and moves the file into place. */
  close(root?: Uint8Array): void {
    if (this.fd === undefined) return;
    this.flush();
    if (this.rootPending !== undefined) {
      if (!root || root.length !== this.rootPending)
        throw new Error(`CarFileWriter: close() needs the ${this.rootPending}-byte root CID reserved in the header`);
      const header = encodeCarHeader([root]);
      const head = Buffer.from([...encodeVarint(header.length), ...header]);
      if (head.length !== this.headerLength) throw new Error('CarFileWriter: root header changed size');
      let off = 0;
      while (off < head.length) off += writeSync(this.fd, head, off, head.length - off, off);
    }
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.tmp, this.file);
    fsyncDir(dirname(this.file));
  }

  /** Closes and removes the temporary file; the final name is never touched. */
  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.tmp, { force: true });
  }

  private append(bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error('CarFileWriter: already closed');
    if (this.used + bytes.length > this.out.length) {
      this.flush();
      if (bytes.length > this.out.length) {
        this.writeAll(bytes);
        return;
      }
    }
    this.out.set(bytes, this.used);
    this.used += bytes.length;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.writeAll(this.out.subarray(0, this.used));
    this.used = 0;
  }

  private writeAll(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd!, bytes, off, bytes.length - off, this.flushed + off);
    this.flushed += bytes.length;
  }
}
