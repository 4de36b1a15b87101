/** sha2-256 one-shot digests for the writer, on node:crypto. */
import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: Uint8Array | string, outputEncoding: string) => string;
/** crypto.hash (Node >= 20.12 / 21.7) skips the Hash object: markedly faster for small inputs. */
const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;

/**
 * sha2-256 digest as 32 latin1 characters (strings are hashed as UTF-8). With output 'buffer' Node
 * allocates a fresh ArrayBuffer per digest, which costs more than the hash of a small block (measured on
 * Node 20.20 and 24); the writer keeps digests as these strings (a {@link CID} takes one as its digest).
 */
export const sha256Text: (bytes: Uint8Array | string) => string = oneShot
  ? (bytes) => oneShot('sha256', bytes, 'latin1')
  : (bytes) => crypto.createHash('sha256').update(bytes).digest('binary');

/** sha2-256 digest (strings are hashed as UTF-8). */
export function sha256(bytes: Uint8Array | string): Buffer {
  return Buffer.from(sha256Text(bytes), 'latin1');
}
