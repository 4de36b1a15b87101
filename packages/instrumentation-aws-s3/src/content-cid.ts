import { createHash, type Hash } from 'node:crypto';

/** CIDv1 header of a raw-codec (0x55) sha2-256 (0x12, 32 bytes) CID: https://github.com/multiformats/cid */
const RAW_SHA256_PREFIX = Uint8Array.of(0x01, 0x55, 0x12, 0x20);
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The sha2-256 of a byte sequence that arrives in chunks, and its CIDv1 raw. Each chunk is hashed when it
 * is handed over and then let go: nothing is kept but the hash state.
 */
export class ContentDigest {
  private readonly hash: Hash = createHash('sha256');
  /** Bytes hashed so far. */
  size = 0;
  /** A chunk could not be hashed as bytes (e.g. a string from a stream with an encoding set): no CID. */
  unusable = false;
  private cidText: string | undefined;

  update(chunk: unknown): void {
    if (this.unusable || this.cidText !== undefined) return;
    if (chunk instanceof Uint8Array) {
      this.hash.update(chunk);
      this.size += chunk.byteLength;
    } else {
      this.unusable = true;
    }
  }

  /** Hashes a string body the way the SDK sends it: UTF-8. */
  updateText(text: string): void {
    if (this.unusable || this.cidText !== undefined) return;
    this.hash.update(text, 'utf8');
    this.size += Buffer.byteLength(text, 'utf8');
  }

  /** Ends the hash; the CID (base32 multibase, `b...`), or undefined when a chunk was unusable. */
  finish(): string | undefined {
    if (this.unusable) return undefined;
    return (this.cidText ??= rawCid(this.hash.digest()));
  }

  get finished(): boolean {
    return this.cidText !== undefined;
  }
}

/** The CIDv1 raw sha2-256 of `digest`, in its string form (multibase base32, lower case, no padding). */
export function rawCid(digest: Uint8Array): string {
  const bytes = new Uint8Array(RAW_SHA256_PREFIX.length + digest.length);
  bytes.set(RAW_SHA256_PREFIX);
  bytes.set(digest, RAW_SHA256_PREFIX.length);
  return `b${base32(bytes)}`;
}

/** RFC 4648 base32, lower case, unpadded: the `b` multibase. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}
