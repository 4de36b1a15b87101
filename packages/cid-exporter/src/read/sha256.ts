/**
 * sha2-256 for readers, one call per item as crypto.hash allows (Node >= 20.12 / 21.7), with the digest
 * as a 32-character latin1 string: asking for a 'buffer' allocates an ArrayBuffer per call, which on
 * this project's store items (100 B - 2 KB) costs more than the hashing itself. Comparing that string
 * with digest bytes in place needs no copy either.
 */
import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'latin1') => string;
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/** sha2-256 of `bytes` as 32 latin1 characters. */
export const sha256Latin1: (bytes: Uint8Array) => string = oneShot
  ? (bytes) => oneShot('sha256', bytes, 'latin1')
  : (bytes) => crypto.createHash('sha256').update(bytes).digest('binary');

/** True when the latin1 digest equals the 32 bytes at bytes[at]. */
export function digestEquals(digest: string, bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) if (digest.charCodeAt(i) !== bytes[at + i]) return false;
  return true;
}

/** Lower-case hex of a latin1 digest. */
export function digestHex(digest: string): string {
  return Buffer.from(digest, 'latin1').toString('hex');
}

type Latin1Write = (this: Buffer, s: string, offset: number, length: number) => number;
/** Buffer's own latin1 writer (what buf.write(s, o, n, 'latin1') ends in, without the dispatch). */
const latin1Write = (Buffer.prototype as unknown as { latin1Write?: Latin1Write }).latin1Write;

/** Writes the 32 latin1 characters of a digest into `buf` at `offset`. */
export const writeLatin1: (buf: Buffer, digest: string, offset: number) => void = latin1Write
  ? (buf, digest, offset) => void latin1Write.call(buf, digest, offset, 32)
  : (buf, digest, offset) => void buf.write(digest, offset, 32, 'latin1');
