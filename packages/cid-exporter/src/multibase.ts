/**
 * Multibase base32 (RFC 4648 lower case, no padding, prefix `b`) encoding, the string form of CIDs:
 * https://github.com/multiformats/multibase . Encoding only; decoding is in ./cid.ts.
 */

const BASE32_CODES = Uint8Array.from('abcdefghijklmnopqrstuvwxyz234567', (c) => c.charCodeAt(0));

const scratch = Buffer.allocUnsafeSlow(128);

/**
 * Writes the base32 characters of `bytes` into `out` from `j`; returns the end. Whole 5-byte groups
 * (8 characters) are done without a bit loop: CIDs are stringified for every record and block.
 */
export function base32Into(bytes: Uint8Array, out: Uint8Array, j: number, length = bytes.length, from = 0): number {
  const C = BASE32_CODES;
  const end = from + length;
  const whole = end - (length % 5);
  let i = from;
  for (; i < whole; i += 5) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1]!;
    const b2 = bytes[i + 2]!;
    const b3 = bytes[i + 3]!;
    const b4 = bytes[i + 4]!;
    out[j] = C[b0 >> 3]!;
    out[j + 1] = C[((b0 & 7) << 2) | (b1 >> 6)]!;
    out[j + 2] = C[(b1 >> 1) & 31]!;
    out[j + 3] = C[((b1 & 1) << 4) | (b2 >> 4)]!;
    out[j + 4] = C[((b2 & 15) << 1) | (b3 >> 7)]!;
    out[j + 5] = C[(b3 >> 2) & 31]!;
    out[j + 6] = C[((b3 & 3) << 3) | (b4 >> 5)]!;
    out[j + 7] = C[b4 & 31]!;
    j += 8;
  }
  let bits = 0;
  let buffer = 0;
  for (; i < end; i++) {
    buffer = ((buffer << 8) | bytes[i]!) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out[j++] = C[(buffer >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  if (bits > 0) out[j++] = C[(buffer << (5 - bits)) & 31]!;
  return j;
}

export function base32Encode(bytes: Uint8Array): string {
  // Characters are collected as bytes and turned into one string at the end (no string concatenation
  // per character). Short inputs (every CID) reuse one scratch buffer instead of allocating.
  const size = Math.ceil((bytes.length * 8) / 5);
  const out = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
  return out.toString('latin1', 0, base32Into(bytes, out, 0));
}

/** Multibase base32 string (`b` prefix) of bytes[0, length) in one flat string (no `'b' + ...`). */
export function multibase32(bytes: Uint8Array, length = bytes.length, from = 0): string {
  const size = 1 + Math.ceil((length * 8) / 5);
  const out = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
  out[0] = 0x62; // 'b'
  return sliceLatin1(out, base32Into(bytes, out, 1, length, from));
}

/** latin1Slice where Buffer has it (every Node version this package supports): toString() minus its argument checks. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Buffer, start: number, end: number) => string }).latin1Slice;
export const sliceLatin1 = (b: Buffer, end: number): string => (latin1Slice ? latin1Slice.call(b, 0, end) : b.toString('latin1', 0, end));
