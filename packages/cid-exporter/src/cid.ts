/**
 * CIDv1 with sha2-256 multihashes, implemented on node:crypto so the runtime package needs no ESM-only
 * dependency (multiformats is ESM-only). Byte layout: https://github.com/multiformats/cid#cidv1 ;
 * string form: multibase base32 (RFC 4648 lower case, no padding, prefix `b`).
 */
import { base32Into, multibase32 } from './multibase.js';
import { sha256Text } from './sha256.js';
import { encodeVarint } from './varint.js';

export { base32Encode } from './multibase.js';
export { sha256, sha256Text } from './sha256.js';
export { encodeVarint, varintLength, writeVarint } from './varint.js';

/** Multicodec `raw`: payload bytes exactly as captured. */
export const CODEC_RAW = 0x55;
/** Multicodec `dag-json`: records and blocks that link other blocks. */
export const CODEC_DAG_JSON = 0x0129;
/** Multihash `sha2-256`. */
export const MULTIHASH_SHA2_256 = 0x12;

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE32_LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE32_ALPHABET.length; i++) BASE32_LOOKUP[BASE32_ALPHABET.charCodeAt(i)] = i;

/** Why a varint could not be read: `truncated` when the bytes end inside it (more may follow in a stream). */
export class VarintError extends RangeError {
  override name = 'VarintError';
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

/**
 * Decodes an unsigned varint (https://github.com/multiformats/unsigned-varint: at most 9 bytes, minimal
 * encoding) at `offset`, reading no further than `end`; returns [value, bytesRead]. Throws a VarintError
 * whose `truncated` tells a varint cut off by `end` from a malformed one. The only varint reader in this
 * package: CIDs, pack sections and CAR files all go through it.
 */
export function decodeVarint(bytes: Uint8Array, offset = 0, end = bytes.length): [number, number] {
  let value = 0;
  let mul = 1;
  for (let i = offset; i < offset + 9; i++) {
    if (i >= end) throw new VarintError(`varint at byte ${offset}: the bytes end inside it`, true);
    const b = bytes[i]!;
    value += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      if (i > offset && b === 0) throw new VarintError(`varint at byte ${offset} is not minimally encoded`, false);
      if (value > Number.MAX_SAFE_INTEGER) throw new VarintError(`varint at byte ${offset} exceeds 2^53`, false);
      return [value, i - offset + 1];
    }
    mul *= 0x80;
  }
  throw new VarintError(`varint at byte ${offset} is longer than 9 bytes`, false);
}

/** The parts of a binary CID as found in bytes (any version, codec and hash function). */
export interface CidParts {
  version: 0 | 1;
  codec: number;
  hashCode: number;
  /** Where the digest starts in the bytes given, and its length. */
  digestOffset: number;
  digestLength: number;
  /** Length of the whole binary CID. */
  length: number;
}

/** Multicodec `dag-pb`, implied by CIDv0. */
const CODEC_DAG_PB = 0x70;

/**
 * Reads the binary CID at `offset` (ending no later than `end`) without copying or allocating more than
 * the result: the one binary CID parser of this package (CID.decodeFirst, pack and CAR sections, links).
 * Spec: https://github.com/multiformats/cid#decoding-algorithm (a CIDv0 is a bare sha2-256 multihash).
 * Throws a VarintError (`truncated` when `end` cuts it) or an Error naming what is wrong.
 *
 * Why not `multiformats` (the reference implementation): its package exports only an `import`
 * condition, so `require('multiformats/cid')` fails with ERR_PACKAGE_PATH_NOT_EXPORTED on Node 20.20
 * and 24.21 alike (require(esm) does not help when resolution fails), and the CJS build of this package
 * must load. The tests cross-check this parser against multiformats.
 */
export function readCid(bytes: Uint8Array, offset = 0, end = bytes.length): CidParts {
  if (offset < end && bytes[offset] === MULTIHASH_SHA2_256 && offset + 1 >= end) throw new VarintError(`CID at byte ${offset}: the bytes end inside it`, true);
  if (bytes[offset] === MULTIHASH_SHA2_256 && offset + 1 < end && bytes[offset + 1] === 32) {
    if (offset + 34 > end) throw new VarintError(`CID at byte ${offset}: the bytes end inside its digest`, true);
    return { version: 0, codec: CODEC_DAG_PB, hashCode: MULTIHASH_SHA2_256, digestOffset: offset + 2, digestLength: 32, length: 34 };
  }
  let at = offset;
  const [version, n1] = decodeVarint(bytes, at, end);
  at += n1;
  if (version !== 1) throw new Error(`CID at byte ${offset}: unsupported version ${version}`);
  const [codec, n2] = decodeVarint(bytes, at, end);
  at += n2;
  const [hashCode, n3] = decodeVarint(bytes, at, end);
  at += n3;
  const [digestLength, n4] = decodeVarint(bytes, at, end);
  at += n4;
  if (at + digestLength > end) throw new VarintError(`CID at byte ${offset}: the bytes end inside its digest`, true);
  return { version: 1, codec, hashCode, digestOffset: at, digestLength, length: at + digestLength - offset };
}

export function base32Decode(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  const n = base32DecodeString(text, 0, out, 0);
  if (n === -2) {
    let i = 0;
    while (i < text.length && (text.charCodeAt(i) < 128 ? BASE32_LOOKUP[text.charCodeAt(i)]! : -1) >= 0) i++;
    throw new Error(`base32: invalid character ${JSON.stringify(text[i])} at ${i}`);
  }
  if (n < 0) throw new Error('base32: non-canonical trailing bits');
  return out;
}

/**
 * Decodes base32 text (`text` from `start`) into `out` at `outOffset`; returns the number of bytes written,
 * -2 for a character outside `a-z2-7`, -1 for non-zero trailing bits (not canonical). No allocation.
 */
export function base32DecodeString(text: string, start: number, out: Uint8Array, outOffset = 0): number {
  let bits = 0;
  let buffer = 0;
  let j = outOffset;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? BASE32_LOOKUP[c]! : -1;
    if (v < 0) return -2;
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[j++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if (bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0) return -1;
  return j - outOffset;
}

/**
 * Decodes base32 text held as bytes (`src[start, end)`, e.g. a link inside a record line) into `out` at
 * `outOffset`; returns the number of bytes written, or -1 when the text is not canonical base32 (a
 * character outside `a-z2-7`, or non-zero trailing bits). No string is built.
 */
export function base32DecodeBytes(src: Uint8Array, start: number, end: number, out: Uint8Array, outOffset = 0): number {
  let bits = 0;
  let buffer = 0;
  let j = outOffset;
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    const v = c < 128 ? BASE32_LOOKUP[c]! : -1;
    if (v < 0) return -1;
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[j++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if (bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0) return -1;
  return j - outOffset;
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

/** The string form of the binary CID at bytes[offset, offset + length) (a writer's buffer). */
export function cidTextAt(bytes: Uint8Array, offset: number, length: number): string {
  return multibase32(bytes, length, offset);
}

/** Buffer's latin1 writer without write()'s argument handling (every Node version this package supports has it). */
const latin1Write = (Buffer.prototype as unknown as { latin1Write?: (this: Buffer, s: string, offset: number) => number }).latin1Write;

/** Binary CID of the CID being stringified, when its `bytes` were never asked for. */
const cidScratch = new Uint8Array(64);

/** Multibase base32 of a CID given as prefix bytes and a digest in 32 latin1 characters (the writer's CIDs). */
function cidString(prefix: Uint8Array, digest: string): string {
  const bytes = cidScratch;
  const p = prefix.length;
  for (let i = 0; i < p; i++) bytes[i] = prefix[i]!;
  for (let i = 0; i < 32; i++) bytes[p + i] = digest.charCodeAt(i);
  return multibase32(bytes, p + 32);
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

  /**
   * Writes the string form's bytes (`b` + base32, all ASCII, at most 64 bytes for a sha2-256 CID) into
   * `target` at `offset`, without making the string; returns the end offset. For a writer putting a
   * link straight into its buffer. With `keep`, the string is also made from the bytes written and kept
   * for {@link toString}, for a CID whose string will be asked for later (a forwarded span's
   * `provenance.*` CIDs), so that its base32 is computed once, not twice.
   */
  writeString(target: Uint8Array, offset: number, keep = false): number {
    const s = this._string;
    if (s !== undefined) {
      if (latin1Write !== undefined && target instanceof Buffer) return offset + latin1Write.call(target, s, offset);
      let j = offset;
      for (let i = 0; i < s.length; i++) target[j++] = s.charCodeAt(i);
      return j;
    }
    target[offset] = 0x62; // 'b'
    const end = base32Into(cidScratch, target, offset + 1, this.copyBytesTo(cidScratch, 0));
    if (keep && target instanceof Buffer) this._string = target.toString('latin1', offset, end);
    return end;
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
    if (typeof text !== 'string' || text[0] !== 'b')
      throw new Error(`CID.parse: expected a base32 CIDv1 string starting with "b", got ${JSON.stringify(text)}`);
    return CID.decode(base32Decode(text.slice(1)));
  }

  /** Decodes a binary CIDv1 (sha2-256 only). */
  static decode(bytes: Uint8Array): CID {
    const [cid, length] = CID.decodeFirst(bytes);
    if (length !== bytes.length) throw new Error(`CID.decode: ${bytes.length - length} trailing bytes`);
    return cid;
  }

  /** Decodes a binary CIDv1 at `offset` of `bytes`; returns the CID and its length (for CAR/pack sections). */
  static decodeFirst(bytes: Uint8Array, offset = 0): [CID, number] {
    const p = readCid(bytes, offset);
    if (p.version !== 1) throw new Error('CID: unsupported version 0');
    if (p.hashCode !== MULTIHASH_SHA2_256) throw new Error(`CID: unsupported multihash 0x${p.hashCode.toString(16)} (only sha2-256)`);
    if (p.digestLength !== 32) throw new Error(`CID: sha2-256 digest length ${p.digestLength}`);
    const digest = Uint8Array.prototype.slice.call(bytes, p.digestOffset, p.digestOffset + 32);
    return [new CID(p.codec, digest), p.length];
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
