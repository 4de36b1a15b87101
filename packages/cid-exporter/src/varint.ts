/**
 * Unsigned LEB128 varints as multiformats and CAR sections use them (https://github.com/multiformats/unsigned-varint):
 * the writer side. The one varint writer of the package.
 */

/** Bytes the unsigned LEB128 varint of `value` takes. */
export function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/**
 * Writes the unsigned LEB128 varint of `value` (multiformats, CAR section lengths) into `target` at
 * `offset`; returns the number of bytes written.
 */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint: not a non-negative safe integer: ${value}`);
  let v = value;
  let i = offset;
  while (v >= 0x80) {
    target[i++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  target[i++] = v;
  return i - offset;
}

/** Unsigned LEB128 varint as used by multiformats, in a new array. */
export function encodeVarint(value: number): Uint8Array {
  const out = new Uint8Array(varintLength(value));
  writeVarint(out, 0, value);
  return out;
}
