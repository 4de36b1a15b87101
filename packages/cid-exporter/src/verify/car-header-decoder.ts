/**
 * Decodes a CARv1 header (DAG-CBOR `{ roots: [CID...], version: 1 }`) without a CBOR library.
 * Spec: https://ipld.io/specs/transport/car/carv1/#header. Only the CBOR needed for a header is accepted
 * (maps, arrays, text and byte strings, unsigned ints, tag 42); anything else is a malformed header.
 */
import { CBOR_TAG_CID } from '../export/car-header.js';

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
    case 0:
      return arg;
    case 2:
      return c.take(arg);
    case 3:
      return new TextDecoder('utf-8', { fatal: true }).decode(c.take(arg));
    case 4: {
      const items: CborValue[] = [];
      for (let i = 0; i < arg; i++) items.push(readItem(c, depth + 1));
      return items;
    }
    case 5: {
      const map = new Map<string, CborValue>();
      for (let i = 0; i < arg; i++) {
        const key = readItem(c, depth + 1);
        if (typeof key !== 'string') throw new Error('CBOR map key is not a string');
        if (map.has(key)) throw new Error(`duplicate key "${key}"`);
        map.set(key, readItem(c, depth + 1));
      }
      return map;
    }
    case 6: {
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
    out.push(r.cid);
  }
  for (const key of value.keys()) {
    if (key !== 'roots' && key !== 'version') throw new Error(`unexpected header key "${key}"`);
  }
  return { version, roots: out };
}
