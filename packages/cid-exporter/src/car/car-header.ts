/**
 * The CARv1 header: a DAG-CBOR map `{ "roots": [CID, ...], "version": 1 }`, written and read here.
 * Spec: https://ipld.io/specs/transport/car/carv1/#header and https://ipld.io/specs/codecs/dag-cbor/spec/
 *
 * The header is the only DAG-CBOR this package handles and its shape is fixed, so it is coded by hand
 * instead of with an ESM-only CBOR library (the CJS build must load without one). DAG-CBOR rules that
 * matter for this shape: shortest-form lengths, map keys sorted length-first ("roots" before "version"),
 * CIDs as tag 42 over a byte string of 0x00 (identity multibase) + CID bytes. The reader accepts only
 * what such a header can contain (maps, arrays, text and byte strings, unsigned ints, tag 42).
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

/** A decoded CARv1 header. Roots are binary CIDs. */
export interface CarHeader {
  version: number;
  roots: Uint8Array[];
}

type CborValue = number | string | Uint8Array | CborValue[] | Map<string, CborValue> | { cid: Uint8Array };

class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('header ends inside a CBOR item');
    return this.bytes[this.pos++]!;
  }

  take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw new Error('header ends inside a CBOR item');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function readArg(c: Cursor, info: number): number {
  if (info < 24) return info;
  if (info === 24) return c.byte();
  if (info === 25) return c.byte() * 0x100 + c.byte();
  if (info === 26) return ((c.byte() * 0x100 + c.byte()) * 0x100 + c.byte()) * 0x100 + c.byte();
  throw new Error(`unsupported CBOR length encoding ${info}`);
}

function readItem(c: Cursor, depth: number): CborValue {
  if (depth > 8) throw new Error('CBOR nesting too deep for a CAR header');
  const initial = c.byte();
  const major = initial >> 5;
  const arg = readArg(c, initial & 0x1f);
  switch (major) {
    case MAJOR_UINT:
      return arg;
    case MAJOR_BYTES:
      return c.take(arg);
    case MAJOR_TEXT:
      return new TextDecoder('utf-8', { fatal: true }).decode(c.take(arg));
    case MAJOR_ARRAY: {
      const items: CborValue[] = [];
      for (let i = 0; i < arg; i++) items.push(readItem(c, depth + 1));
      return items;
    }
    case MAJOR_MAP: {
      const map = new Map<string, CborValue>();
      for (let i = 0; i < arg; i++) {
        const key = readItem(c, depth + 1);
        if (typeof key !== 'string') throw new Error('CBOR map key is not a string');
        if (map.has(key)) throw new Error(`duplicate key "${key}"`);
        map.set(key, readItem(c, depth + 1));
      }
      return map;
    }
    case MAJOR_TAG: {
      if (arg !== CBOR_TAG_CID) throw new Error(`unexpected CBOR tag ${arg}`);
      const inner = readItem(c, depth + 1);
      if (!(inner instanceof Uint8Array) || inner.length < 2 || inner[0] !== 0x00) {
        throw new Error('tag 42 does not wrap 0x00 + CID bytes');
      }
      return { cid: inner.subarray(1) };
    }
    default:
      throw new Error(`unexpected CBOR major type ${major}`);
  }
}

/** Decodes header bytes; throws an Error naming what is wrong. */
export function decodeCarHeader(bytes: Uint8Array): CarHeader {
  const c = new Cursor(bytes);
  const value = readItem(c, 0);
  if (c.pos !== bytes.length) throw new Error(`${bytes.length - c.pos} trailing bytes after the header map`);
  if (!(value instanceof Map)) throw new Error('header is not a CBOR map');
  const version = value.get('version');
  if (typeof version !== 'number') throw new Error('header has no integer "version"');
  if (version !== 1) throw new Error(`CAR version ${version} is not supported (only CARv1)`);
  const roots = value.get('roots');
  if (!Array.isArray(roots)) throw new Error('header has no "roots" array');
  const out: Uint8Array[] = [];
  for (const r of roots) {
    if (r === null || typeof r !== 'object' || !('cid' in r)) throw new Error('a root is not a CID link');
    out.push(Uint8Array.from(r.cid));
  }
  for (const key of value.keys()) {
    if (key !== 'roots' && key !== 'version') throw new Error(`unexpected header key "${key}"`);
  }
  return { version, roots: out };
}
