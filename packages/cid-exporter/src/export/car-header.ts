/**
 * The CARv1 header: a DAG-CBOR map `{ "roots": [CID, ...], "version": 1 }`.
 * Spec: https://ipld.io/specs/transport/car/carv1/#header and https://ipld.io/specs/codecs/dag-cbor/spec/
 *
 * The header is the only DAG-CBOR this package writes, and its shape is fixed, so it is encoded here by
 * hand instead of pulling in an ESM-only CBOR library (the CJS build must load without one).
 * DAG-CBOR rules that matter for this shape: shortest-form lengths, map keys sorted length-first
 * ("roots" before "version"), CIDs as tag 42 over a byte string of 0x00 (identity multibase) + CID bytes.
 */

const MAJOR_UINT = 0;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
/** CBOR tag registered for IPLD links. */
export const CBOR_TAG_CID = 42;

function head(major: number, arg: number): number[] {
  const m = major << 5;
  if (arg < 24) return [m | arg];
  if (arg < 0x100) return [m | 24, arg];
  if (arg < 0x10000) return [m | 25, arg >> 8, arg & 0xff];
  if (arg < 0x100000000) return [m | 26, (arg >>> 24) & 0xff, (arg >> 16) & 0xff, (arg >> 8) & 0xff, arg & 0xff];
  throw new RangeError('CAR header: length too large');
}

function text(s: string): number[] {
  const bytes = Buffer.from(s, 'utf8');
  return [...head(MAJOR_TEXT, bytes.length), ...bytes];
}

/** DAG-CBOR bytes of the CARv1 header for the given root CIDs (binary form). */
export function encodeCarHeader(roots: readonly Uint8Array[]): Uint8Array {
  const out: number[] = [...head(MAJOR_MAP, 2), ...text('roots'), ...head(MAJOR_ARRAY, roots.length)];
  for (const cid of roots) {
    out.push(...head(MAJOR_TAG, CBOR_TAG_CID), ...head(MAJOR_BYTES, cid.length + 1), 0x00, ...cid);
  }
  out.push(...text('version'), ...head(MAJOR_UINT, 1));
  return Uint8Array.from(out);
}
