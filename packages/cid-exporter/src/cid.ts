/**
 * CIDv1 with sha2-256 multihashes, implemented on node:crypto so the runtime package needs no ESM-only
 * dependency (multiformats is ESM-only). Byte layout: https://github.com/multiformats/cid#cidv1 ;
 * string form: multibase base32 (RFC 4648 lower case, no padding, prefix `b`).
 */
import * as crypto from 'node:crypto';

/** Multicodec `raw`: payload bytes exactly as captured. */
export const CODEC_RAW = 0x55;
/** Multicodec `dag-json`: records and blocks that link other blocks. */
export const CODEC_DAG_JSON = 0x0129;
/** Multihash `sha2-256`. */
export const MULTIHASH_SHA2_256 = 0x12;

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE32_CODES = Uint8Array.from(BASE32_ALPHABET, (c) => c.charCodeAt(0));
const BASE32_LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE32_ALPHABET.length; i++) BASE32_LOOKUP[BASE32_ALPHABET.charCodeAt(i)] = i;

/** Bytes the unsigned LEB128 varint of `value` takes. */
export function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/**
 * Writes the unsigned LEB128 varint of `value` (multiformats, CAR section lengths) into `target` at
 * `offset`; returns the number of bytes written. The one varint writer of the package.
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

/** Decodes a varint at `offset`; returns [value, bytesRead]. Throws on truncated or over-long input. */
export function decodeVarint(bytes: Uint8Array, offset = 0): [number, number] {
  let value = 0;
  let mul = 1;
  for (let i = offset; i < bytes.length && i < offset + 9; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      if (i > offset && b === 0) throw new Error('varint: non-minimal encoding');
      return [value, i - offset + 1];
    }
    mul *= 0x80;
  }
  throw new Error('varint: truncated or too long');
}

const scratch = Buffer.allocUnsafeSlow(128);

/**
 * Writes the base32 characters of `bytes` into `out` from `j`; returns the end. Whole 5-byte groups
 * (8 characters) are done without a bit loop: CIDs are stringified for every record and block.
 */
function base32Into(bytes: Uint8Array, out: Buffer, j: number, length = bytes.length, from = 0): number {
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
function multibase32(bytes: Uint8Array, length = bytes.length, from = 0): string {
  const size = 1 + Math.ceil((length * 8) / 5);
  const out = size <= scratch.length ? scratch : Buffer.allocUnsafe(size);
  out[0] = 0x62; // 'b'
  return sliceLatin1(out, base32Into(bytes, out, 1, length, from));
}

/** The string form of the binary CID at bytes[offset, offset + length) (a writer's buffer). */
export function cidTextAt(bytes: Uint8Array, offset: number, length: number): string {
  return multibase32(bytes, length, offset);
}

/** Binary CID of the CID being stringified, when its `bytes` were never asked for. */
const cidScratch = new Uint8Array(64);

/** latin1Slice where Buffer has it (every Node version this package supports): toString() minus its argument checks. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Buffer, start: number, end: number) => string }).latin1Slice;
const sliceLatin1 = (b: Buffer, end: number): string => (latin1Slice ? latin1Slice.call(b, 0, end) : b.toString('latin1', 0, end));

/**
 * Multibase base32 of a CID given as prefix bytes and a digest in 32 latin1 characters (the writer's
 * CIDs): the digest is read once, straight into the 5-byte groups, instead of being copied out first.
 */
function cidString(prefix: Uint8Array, digest: string): string {
  const bytes = cidScratch;
  const p = prefix.length;
  for (let i = 0; i < p; i++) bytes[i] = prefix[i]!;
  for (let i = 0; i < 32; i++) bytes[p + i] = digest.charCodeAt(i);
  const out = scratch;
  out[0] = 0x62; // 'b'
  return sliceLatin1(out, base32Into(bytes, out, 1, p + 32));
}

export function base32Decode(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let buffer = 0;
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? BASE32_LOOKUP[c]! : -1;
    if (v < 0) throw new Error(`base32: invalid character ${JSON.stringify(text[i])} at ${i}`);
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[j++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if (bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0) throw new Error('base32: non-canonical trailing bits');
  return out;
}

const prefixes = new Map<number, Uint8Array>();

/** varint(1) varint(codec) 0x12 0x20: the bytes before the digest, cached per codec. */
function cidPrefix(code: number): Uint8Array {
  let p = prefixes.get(code);
  if (p === undefined) {
    p = Uint8Array.from([1, ...encodeVarint(code), MULTIHASH_SHA2_256, 32]);
    prefixes.set(code, p);
  }
  return p;
}
// The two codecs of every record and block, looked up without the map.
const RAW_PREFIX = cidPrefix(CODEC_RAW);
const DAG_JSON_PREFIX = cidPrefix(CODEC_DAG_JSON);
const prefixOf = (code: number): Uint8Array => (code === CODEC_DAG_JSON ? DAG_JSON_PREFIX : code === CODEC_RAW ? RAW_PREFIX : cidPrefix(code));

/** Length of the binary CID of `code` with a sha2-256 digest. */
export function cidLength(code: number): number {
  return prefixOf(code).length + 32;
}

/**
 * Writes the binary CID of `code` and a digest given as 32 latin1 characters into `target` at `offset`
 * (a writer puts it where the bytes are needed, once); returns its length.
 */
export function writeCid(target: Uint8Array, offset: number, code: number, digestText: string): number {
  const prefix = prefixOf(code);
  let j = offset;
  for (let i = 0; i < prefix.length; i++) target[j++] = prefix[i]!;
  for (let i = 0; i < 32; i++) target[j++] = digestText.charCodeAt(i);
  return j - offset;
}

/** A CIDv1 with a sha2-256 multihash. Instances are what the DAG-JSON encoder writes as `{"/": "..."}`. */
export class CID {
  readonly code: number;
  private _digest: Uint8Array | undefined;
  /**
   * The digest as a 32-character latin1 string, for CIDs the writer made from `crypto.hash(..., 'latin1')`:
   * most of them are only ever written out (base32, pack sections), so no byte array is made for them.
   */
  private _digestText: string | undefined;
  private _bytes: Uint8Array | undefined;
  private _string: string | undefined;

  /**
   * `digest`: the 32 digest bytes, or the same as 32 latin1 characters (see {@link sha256Text}).
   * `text`: the string form, when the writer already made it (see {@link cidTextAt}).
   */
  constructor(code: number, digest: Uint8Array | string, text?: string) {
    if (digest.length !== 32) throw new Error(`CID: sha2-256 digest must be 32 bytes, got ${digest.length}`);
    this.code = code;
    if (typeof digest === 'string') {
      this._digest = undefined;
      this._digestText = digest;
    } else {
      this._digest = digest;
      this._digestText = undefined;
    }
    this._bytes = undefined;
    this._string = text;
  }

  /** The 32-byte sha2-256 digest. */
  get digest(): Uint8Array {
    if (this._digest === undefined) {
      const d = new Uint8Array(32);
      const t = this._digestText!;
      for (let i = 0; i < 32; i++) d[i] = t.charCodeAt(i);
      this._digest = d;
    }
    return this._digest;
  }

  /** The digest as 32 latin1 characters (one character per byte). */
  get digestText(): string {
    if (this._digestText === undefined) this._digestText = Buffer.from(this._digest!).toString('latin1');
    return this._digestText;
  }

  get version(): 1 {
    return 1;
  }

  /** Binary CID: varint(1) varint(codec) 0x12 0x20 digest. */
  get bytes(): Uint8Array {
    if (this._bytes === undefined) {
      const b = new Uint8Array(this.byteLength);
      this.copyBytesTo(b, 0);
      this._bytes = b;
    }
    return this._bytes;
  }

  /** Multihash in the shape multiformats uses (`code`, `size`, `digest`, `bytes` = 0x12 0x20 digest). */
  get multihash(): { code: number; size: number; digest: Uint8Array; bytes: Uint8Array } {
    const bytes = new Uint8Array(34);
    bytes[0] = MULTIHASH_SHA2_256;
    bytes[1] = 32;
    bytes.set(this.digest, 2);
    return { code: MULTIHASH_SHA2_256, size: 32, digest: this.digest, bytes };
  }

  /**
   * Interop marker of multiformats (`CID.asCID(x)` accepts any object whose `asCID` is itself), so our
   * CIDs can be handed to @ipld/dag-json, @ipld/car and other IPFS libraries as they are.
   */
  get asCID(): this {
    return this;
  }

  /** Length of the binary CID. */
  get byteLength(): number {
    return prefixOf(this.code).length + 32;
  }

  /** Writes the binary CID into `target` at `offset` (no allocation); returns its length. */
  copyBytesTo(target: Uint8Array, offset: number): number {
    // Byte loops: TypedArray.prototype.set costs more than copying a few dozen bytes one by one.
    const prefix = prefixOf(this.code);
    let j = offset;
    for (let i = 0; i < prefix.length; i++) target[j++] = prefix[i]!;
    if (this._digest !== undefined) {
      const d = this._digest;
      for (let i = 0; i < 32; i++) target[j++] = d[i]!;
    } else {
      const t = this._digestText!;
      for (let i = 0; i < 32; i++) target[j++] = t.charCodeAt(i);
    }
    return j - offset;
  }

  toString(): string {
    if (this._string === undefined) {
      // From a scratch copy: most CIDs are only ever stringified, and need no `bytes` array of their own.
      if (this._bytes !== undefined) this._string = multibase32(this._bytes);
      else if (this._digestText !== undefined) this._string = cidString(prefixOf(this.code), this._digestText);
      else this._string = multibase32(cidScratch, this.copyBytesTo(cidScratch, 0));
    }
    return this._string;
  }

  /** DAG-JSON link form. */
  toJSON(): { '/': string } {
    return { '/': this.toString() };
  }

  equals(other: CID): boolean {
    return other.code === this.code && other.digestText === this.digestText;
  }

  /** Parses a base32 CIDv1 string (sha2-256 only). */
  static parse(text: string): CID {
    if (typeof text !== 'string' || text[0] !== 'b') throw new Error(`CID.parse: expected a base32 CIDv1 string starting with "b", got ${JSON.stringify(text)}`);
    return CID.decode(base32Decode(text.slice(1)));
  }

  /** Decodes a binary CIDv1 (sha2-256 only). */
  static decode(bytes: Uint8Array): CID {
    const [cid, length] = CID.decodeFirst(bytes);
    if (length !== bytes.length) throw new Error(`CID.decode: ${bytes.length - length} trailing bytes`);
    return cid;
  }

  /** Decodes a binary CIDv1 at the start of `bytes`; returns the CID and its length (for CAR/pack sections). */
  static decodeFirst(bytes: Uint8Array, offset = 0): [CID, number] {
    let pos = offset;
    const [version, n1] = decodeVarint(bytes, pos);
    pos += n1;
    if (version !== 1) throw new Error(`CID: unsupported version ${version}`);
    const [code, n2] = decodeVarint(bytes, pos);
    pos += n2;
    const [hashCode, n3] = decodeVarint(bytes, pos);
    pos += n3;
    if (hashCode !== MULTIHASH_SHA2_256) throw new Error(`CID: unsupported multihash 0x${hashCode.toString(16)} (only sha2-256)`);
    const [len, n4] = decodeVarint(bytes, pos);
    pos += n4;
    if (len !== 32) throw new Error(`CID: sha2-256 digest length ${len}`);
    if (pos + 32 > bytes.length) throw new Error('CID: truncated digest');
    const digest = Uint8Array.prototype.slice.call(bytes, pos, pos + 32);
    return [new CID(code, digest), pos + 32 - offset];
  }

  /** Returns `value` as a CID if it is one of ours or a DAG-JSON link object `{"/": "<cid>"}`. */
  static asCID(value: unknown): CID | null {
    if (value instanceof CID) return value;
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      const link = (value as Record<string, unknown>)['/'];
      if (keys.length === 1 && typeof link === 'string') {
        try {
          return CID.parse(link);
        } catch {
          return null;
        }
      }
    }
    return null;
  }
}

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

/** CIDv1(codec, sha2-256(bytes)). */
export function cidFor(code: number, bytes: Uint8Array | string): CID {
  return new CID(code, sha256Text(bytes));
}

export function rawCid(bytes: Uint8Array | string): CID {
  return cidFor(CODEC_RAW, bytes);
}

export function dagJsonCid(bytes: Uint8Array | string): CID {
  return cidFor(CODEC_DAG_JSON, bytes);
}
