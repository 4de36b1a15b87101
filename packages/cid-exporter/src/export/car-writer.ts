/**
 * Streams a CARv1 file: varint(header length) | header, then per block varint(CID + data length) | CID | data.
 * Spec: https://ipld.io/specs/transport/car/carv1/#format-description
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fsyncDir, tempName } from '../fs-util.js';
import { encodeCarHeader } from './car-header.js';
import { encodeVarint } from './varint.js';

/**
 * Writes to a private temp file beside `file` and renames it into place on close (then fsyncs the
 * directory), so a crash never leaves a half-written CAR under the final name and a reported success
 * survives a crash; two exports to the same name never share a temp file. Blocks are written in the order given; the caller avoids duplicates.
 */
export class CarFileWriter {
  private fd: number | undefined;
  private readonly tmp: string;
  private written = 0;

  constructor(private readonly file: string, roots: readonly Uint8Array[]) {
    this.tmp = tempName(dirname(file), basename(file));
    this.fd = openSync(this.tmp, 'w', 0o644);
    const header = encodeCarHeader(roots);
    this.write(encodeVarint(header.length));
    this.write(header);
  }

  /** Appends one section. `cid` is the binary CID of `bytes`. */
  writeBlock(cid: Uint8Array, bytes: Uint8Array): void {
    this.write(encodeVarint(cid.length + bytes.length));
    this.write(cid);
    this.write(bytes);
  }

  /** Bytes written so far, header included. */
  get size(): number {
    return this.written;
  }

  /** Flushes to disk and moves the file into place. */
  close(): void {
    if (this.fd === undefined) return;
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

  private write(bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error('CarFileWriter: already closed');
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    this.written += bytes.length;
  }
}
