/**
 * Unsigned LEB128 varints, the length prefix used by CARv1 sections and by CIDs / multihashes.
 * Spec: https://github.com/multiformats/unsigned-varint (at most 9 bytes, minimal encoding).
 */

/** Encodes a non-negative safe integer as an unsigned varint. */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`varint: ${value} is not a non-negative safe integer`);
  }
  const out: number[] = [];
  let n = value;
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** Result of reading one varint: its value and how many bytes it took. */
export interface DecodedVarint {
  value: number;
  length: number;
}

/**
 * Reads an unsigned varint at `offset`. Returns undefined when the bytes end before the varint does
 * (the caller decides whether that is a truncation); throws on a non-minimal or oversized varint.
 */
export function decodeVarint(bytes: Uint8Array, offset: number): DecodedVarint | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 9; i++) {
    const at = offset + i;
    if (at >= bytes.length) return undefined;
    const b = bytes[at]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      // The unsigned-varint spec forbids padding: a trailing 0x00 byte after the first is non-minimal.
      if (b === 0 && i > 0) throw new RangeError(`varint at byte ${offset} is not minimally encoded`);
      if (!Number.isSafeInteger(value)) throw new RangeError(`varint at byte ${offset} exceeds 2^53`);
      return { value, length: i + 1 };
    }
    scale *= 0x80;
  }
  throw new RangeError(`varint at byte ${offset} is longer than 9 bytes`);
}
