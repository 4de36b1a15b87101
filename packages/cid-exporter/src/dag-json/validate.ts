/**
 * A one-pass validator of canonical DAG-JSON over bytes: the check verify uses, written independently of
 * the writer's encoder (./encode.ts) so that a bug shared by both cannot pass unnoticed. It accepts
 * exactly the bytes `@ipld/dag-json` `encode` writes for a data-model value (FORMAT.md section 8; spec:
 * https://ipld.io/specs/codecs/dag-json/spec/), and rejects anything else, naming the byte offset:
 *
 *  - no whitespace; one value spanning the whole input;
 *  - map keys strictly ascending in JavaScript string order (UTF-16 code units), so no duplicates;
 *  - strings exactly as JSON.stringify writes them, as strict UTF-8: only `\"` `\\` `\b` `\f` `\n` `\r`
 *    `\t`, `\u00xx` (lower-case hex) for the other control characters and `\udxxx` for a lone surrogate;
 *    everything else literal (so `\/`, `\u0041`, upper-case hex or an escaped surrogate pair are not);
 *  - integers as `-?(0|[1-9][0-9]*)` except `-0`; any other number exactly as String(n), with `.0`
 *    appended when that has no `.`, `e` or `E` (a float with an integer value in the safe range would
 *    be written as an integer, so e.g. `1.0` is not canonical);
 *  - a map with the key `/` is reserved: it must be a link `{"/":"<cid>"}` or bytes
 *    `{"/":{"bytes":"<base64>"}}` (standard alphabet, no padding, zero trailing bits).
 *
 * While validating it records where every link's CID text is and, for a root map, where each top-level
 * member is, so callers read the fields they need (a record's v, type, log, seq, prev) without building
 * the value. Link texts are not parsed here: whether a string is an acceptable CID is the caller's check.
 */

/** Kinds of a top-level member's value. */
export const enum ValueKind {
  Null = 0,
  True = 1,
  False = 2,
  Integer = 3,
  Float = 4,
  String = 5,
  Array = 6,
  Map = 7,
  Link = 8,
  Bytes = 9,
}

/** Byte classes inside a string: 0 literal ASCII, 1 `"`, 2 `\`, 3 control character, 4 UTF-8 lead/continuation. */
const STRING_CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) STRING_CLASS[c] = c < 0x20 ? 3 : c === 0x22 ? 1 : c === 0x5c ? 2 : c >= 0x80 ? 4 : 0;

/** Bytes that can be part of a JSON number token. */
const NUMBER_CHAR = new Uint8Array(256);
for (const c of '0123456789+-.eE') NUMBER_CHAR[c.charCodeAt(0)] = 1;

/** Lower-case hex digit values, -1 otherwise (JSON.stringify writes `\u` escapes in lower case). */
const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) HEX['0123456789abcdef'.charCodeAt(d)] = d;

const BASE64 = new Int8Array(256).fill(-1);
for (let d = 0; d < 64; d++) BASE64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(d)] = d;

/** Short escapes JSON.stringify uses, by the escaped byte: `"` `\` b f n r t. */
const SHORT_ESCAPE = new Uint8Array(256);
for (const c of '"\\bfnrt') SHORT_ESCAPE[c.charCodeAt(0)] = 1;

const MAX_DEPTH = 1000;

/** Thrown internally to unwind on the first problem; never escapes {@link DagJsonScan.scan}. */
const STOP = new Error('canonical DAG-JSON: stop');

/** String flags: bit 0 the string has an escape, bit 1 it has a 4-byte UTF-8 sequence. */
const HAS_ESCAPE = 1;
const HAS_ASTRAL = 2;

function growInt32(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Decoded bytes kept per link (CIDs longer than this are decoded by the caller from the text). */
export const LINK_SLOT = 72;

const BASE32 = new Int8Array(256).fill(-1);
for (let d = 0; d < 32; d++) BASE32['abcdefghijklmnopqrstuvwxyz234567'.charCodeAt(d)] = d;

/**
 * Reusable validator state and results: one instance scans many documents without allocating (its
 * arrays grow to the largest document seen). Not re-entrant.
 */
export class DagJsonScan {
  /** Why the last scanned bytes are not canonical DAG-JSON, or null. */
  error: string | null = null;
  /** Offset (in the scanned bytes) of the problem. */
  errorAt = -1;

  /** Links in document order: the CID text of link k is bytes[linkStart[k], linkEnd[k]). */
  linkCount = 0;
  linkStart: Int32Array<ArrayBuffer> = new Int32Array(32);
  linkEnd: Int32Array<ArrayBuffer> = new Int32Array(32);
  /**
   * Link k's CID text decoded as multibase base32 (`b` + RFC 4648 lower case, canonical): the bytes are
   * linkBytes[k * LINK_SLOT, k * LINK_SLOT + linkLength[k]); linkLength[k] is -1 when the text is not
   * that (or longer than LINK_SLOT bytes): then only the text says what it is.
   */
  linkBytes = new Uint8Array(32 * LINK_SLOT);
  linkLength: Int32Array<ArrayBuffer> = new Int32Array(32);

  /** Whether the root value is a map (then its wanted members are below). */
  rootIsMap = false;
  /**
   * Top-level members of a root map whose keys are among the names given to the constructor, in
   * document order: key text (without quotes), value range and kind. `wanted[j]` is the member index of
   * the j-th name, or -1.
   */
  readonly wanted: Int32Array;
  memberCount = 0;
  keyStart = new Int32Array(32);
  keyEnd = new Int32Array(32);
  valueStart = new Int32Array(32);
  valueEnd = new Int32Array(32);
  valueKind = new Uint8Array(32);
  /** Link index for Link members; -1 otherwise. */
  valueLink = new Int32Array(32);
  /** Numeric value of Integer members within the safe range (NaN beyond it). */
  valueNumber = new Float64Array(32);

  private b: Uint8Array = new Uint8Array(0);
  private i = 0;
  private end = 0;
  private readonly names: Uint8Array[];
  /** Bit n set when some wanted name has n bytes (names longer than 31 are always compared). */
  private readonly lengths: number;

  /** `names`: the top-level keys (ASCII) whose values callers read (a record's v, type, log, seq, prev). */
  constructor(names: readonly string[] = []) {
    this.names = names.map((n) => Uint8Array.from(n, (c) => c.charCodeAt(0)));
    this.wanted = new Int32Array(names.length);
    this.lengths = names.reduce((m, n) => m | (n.length < 32 ? 1 << n.length : 0), 0);
  }

  /** Validates bytes[start, end); true when they are canonical DAG-JSON. */
  scan(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    this.b = bytes;
    this.i = start;
    this.end = end;
    this.error = null;
    this.errorAt = -1;
    this.linkCount = 0;
    this.memberCount = 0;
    this.wanted.fill(-1);
    this.rootIsMap = bytes[start] === 0x7b;
    try {
      if (start >= end) this.fail('empty input');
      this.value(0);
      if (this.i !== end) this.fail('bytes after the value');
      return true;
    } catch (err) {
      if (err !== STOP) throw err;
      return false;
    } finally {
      this.b = EMPTY;
    }
  }

  /** Index of the top-level member whose key is the ASCII `name` (one of the constructor's names), or -1. */
  member(bytes: Uint8Array, name: string): number {
    for (let m = 0; m < this.memberCount; m++) {
      const ks = this.keyStart[m]!;
      if (this.keyEnd[m]! - ks !== name.length) continue;
      let k = 0;
      while (k < name.length && bytes[ks + k] === name.charCodeAt(k)) k++;
      if (k === name.length) return m;
    }
    return -1;
  }

  private fail(what: string, at = this.i): never {
    this.error = what;
    this.errorAt = at;
    throw STOP;
  }

  private value(depth: number): ValueKind {
    if (this.i >= this.end) this.fail('the input ends where a value should start');
    const c = this.b[this.i]!;
    switch (c) {
      case 0x7b: // {
        return this.map(depth);
      case 0x5b: // [
        this.array(depth);
        return ValueKind.Array;
      case 0x22: // "
        this.string();
        return ValueKind.String;
      case 0x74: // t
        this.literal(TRUE);
        return ValueKind.True;
      case 0x66: // f
        this.literal(FALSE);
        return ValueKind.False;
      case 0x6e: // n
        this.literal(NULL);
        return ValueKind.Null;
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.fail('whitespace');
        return this.fail(`unexpected byte 0x${c.toString(16).padStart(2, '0')}`);
    }
  }

  private literal(word: Uint8Array): void {
    const b = this.b;
    const i = this.i;
    if (i + word.length > this.end) this.fail('truncated literal');
    for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) this.fail('not a JSON literal');
    this.i = i + word.length;
  }

  private expect(byte: number, what: string): void {
    if (this.i >= this.end || this.b[this.i] !== byte) {
      const c = this.b[this.i];
      this.fail(c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d ? 'whitespace' : `expected ${what}`);
    }
    this.i++;
  }

  private array(depth: number): void {
    if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.i++;
    if (this.i < this.end && this.b[this.i] === 0x5d) {
      this.i++;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      if (this.i >= this.end) this.fail('the input ends inside an array');
      const c = this.b[this.i]!;
      if (c === 0x2c) {
        this.i++;
        continue;
      }
      if (c === 0x5d) {
        this.i++;
        return;
      }
      this.expect(0x5d, "',' or ']'");
    }
  }

  private map(depth: number): ValueKind {
    if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const b = this.b;
    const root = depth === 0;
    this.i++;
    if (this.i < this.end && b[this.i] === 0x7d) {
      this.i++;
      return ValueKind.Map;
    }
    if (this.i >= this.end || b[this.i] !== 0x22) this.expect(0x22, 'a string key');
    let ks = this.i + 1;
    let kflags = this.string();
    let ke = this.i - 1;
    this.expect(0x3a, "':'");
    if (ke - ks === 1 && b[ks] === 0x2f) {
      // {"/": ...} is a link or bytes, and nothing else (the key "/" is reserved)
      return this.slashForm(ks - 1);
    }
    for (;;) {
      const vs = this.i;
      const kind = this.value(depth + 1);
      if (root && this.names.length > 0) this.memberIfWanted(ks, ke, vs, this.i, kind);
      if (this.i >= this.end) this.fail('the input ends inside a map');
      const c = b[this.i]!;
      if (c === 0x7d) {
        this.i++;
        return ValueKind.Map;
      }
      if (c !== 0x2c) this.expect(0x7d, "',' or '}'");
      this.i++;
      if (this.i >= this.end || b[this.i] !== 0x22) this.expect(0x22, 'a string key');
      const ns = this.i + 1;
      const nflags = this.string();
      const ne = this.i - 1;
      if (ne - ns === 1 && b[ns] === 0x2f) this.fail('the key "/" is reserved for links and bytes, in a map of its own', ns - 1);
      const order = (kflags | nflags) === 0 ? compareBytes(b, ks, ke, ns, ne) : compareKeys(b, ks, ke, ns, ne);
      if (order >= 0) this.fail(order === 0 ? 'duplicate map key' : 'map keys out of order', ns - 1);
      this.expect(0x3a, "':'");
      ks = ns;
      ke = ne;
      kflags = nflags;
    }
  }

  /** `{"/":` has been read: a link `"<cid>"}` or bytes `{"bytes":"<base64>"}}`. */
  private slashForm(mapStart: number): ValueKind {
    const b = this.b;
    if (this.i < this.end && b[this.i] === 0x22) {
      const s = this.i + 1;
      const n = this.linkText(s);
      if (n < 0) this.string();
      const e = this.i - 1;
      this.expect(0x7d, '\'}\' after a link (a link map has only the key "/")');
      this.linkLength[this.linkCount - 1] = n;
      this.linkStart[this.linkCount - 1] = s;
      this.linkEnd[this.linkCount - 1] = e;
      return ValueKind.Link;
    }
    if (this.i < this.end && b[this.i] === 0x7b) {
      this.i++;
      this.literal(BYTES_KEY);
      if (this.i >= this.end || b[this.i] !== 0x22) this.expect(0x22, 'a base64 string');
      const s = this.i + 1;
      this.string();
      this.base64(s, this.i - 1);
      this.expect(0x7d, "'}' after bytes");
      this.expect(0x7d, "'}' after bytes");
      return ValueKind.Bytes;
    }
    return this.fail('the key "/" is reserved for links and bytes', mapStart);
  }

  private base64(s: number, e: number): void {
    const b = this.b;
    const n = e - s;
    if (n % 4 === 1) this.fail('bytes: base64 of impossible length', s);
    for (let k = s; k < e; k++) if (BASE64[b[k]!]! < 0) this.fail('bytes: not unpadded standard base64', k);
    if (n > 0) {
      const last = BASE64[b[e - 1]!]!;
      // the spare bits of the last character must be zero, or two texts would decode to the same bytes
      if ((n % 4 === 2 && (last & 0x0f) !== 0) || (n % 4 === 3 && (last & 0x03) !== 0)) this.fail('bytes: non-zero trailing bits in base64', e - 1);
    }
  }

  /**
   * At the first byte of a link's text: decodes `b` + canonical base32 up to the closing quote into the
   * next link slot (a new link is added). Returns the byte length, leaving `i` after the quote; or -1,
   * leaving `i` where it was, when the text is anything else (then it is checked as a plain string).
   */
  private linkText(s: number): number {
    if (this.linkCount === this.linkStart.length) {
      this.linkStart = growInt32(this.linkStart);
      this.linkEnd = growInt32(this.linkEnd);
      this.linkLength = growInt32(this.linkLength);
      const bytes = new Uint8Array(this.linkBytes.length * 2);
      bytes.set(this.linkBytes);
      this.linkBytes = bytes;
    }
    this.linkCount++;
    const b = this.b;
    const end = this.end;
    if (s >= end || b[s] !== 0x62) return -1;
    const out = this.linkBytes;
    const base = (this.linkCount - 1) * LINK_SLOT;
    let j = base;
    let i = s + 1;
    // whole groups of 8 characters (40 bits, 5 bytes) at a time: a dag-json CID's text is 7 of them and 4 more
    while (i + 8 <= end && j + 5 <= base + LINK_SLOT) {
      const c0 = BASE32[b[i]!]!;
      const c1 = BASE32[b[i + 1]!]!;
      const c2 = BASE32[b[i + 2]!]!;
      const c3 = BASE32[b[i + 3]!]!;
      const c4 = BASE32[b[i + 4]!]!;
      const c5 = BASE32[b[i + 5]!]!;
      const c6 = BASE32[b[i + 6]!]!;
      const c7 = BASE32[b[i + 7]!]!;
      if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) < 0) break;
      out[j] = (c0 << 3) | (c1 >> 2);
      out[j + 1] = ((c1 & 3) << 6) | (c2 << 1) | (c3 >> 4);
      out[j + 2] = ((c3 & 15) << 4) | (c4 >> 1);
      out[j + 3] = ((c4 & 1) << 7) | (c5 << 2) | (c6 >> 3);
      out[j + 4] = ((c6 & 7) << 5) | c7;
      j += 5;
      i += 8;
    }
    let bits = 0;
    let acc = 0;
    for (; i < end; i++) {
      const v = BASE32[b[i]!]!;
      if (v < 0) break;
      acc = ((acc << 5) | v) & 0xffff;
      bits += 5;
      if (bits >= 8) {
        if (j - base >= LINK_SLOT) return -1;
        out[j++] = (acc >>> (bits - 8)) & 0xff;
        bits -= 8;
      }
    }
    if (i >= end || b[i] !== 0x22 || bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) return -1;
    this.i = i + 1;
    return j - base;
  }

  private memberIfWanted(ks: number, ke: number, vs: number, ve: number, kind: ValueKind): void {
    if (ke - ks < 32 && (this.lengths & (1 << (ke - ks))) === 0) return;
    const names = this.names;
    const b = this.b;
    for (let j = 0; j < names.length; j++) {
      const n = names[j]!;
      if (n.length !== ke - ks || n[0] !== b[ks]) continue;
      let k = 1;
      while (k < n.length && n[k] === b[ks + k]) k++;
      if (k === n.length) {
        this.wanted[j] = this.memberCount;
        this.addMember(ks, ke, vs, ve, kind);
        return;
      }
    }
  }

  private addMember(ks: number, ke: number, vs: number, ve: number, kind: ValueKind): void {
    const m = this.memberCount;
    if (m === this.keyStart.length) {
      this.keyStart = growInt32(this.keyStart);
      this.keyEnd = growInt32(this.keyEnd);
      this.valueStart = growInt32(this.valueStart);
      this.valueEnd = growInt32(this.valueEnd);
      this.valueLink = growInt32(this.valueLink);
      const kinds = new Uint8Array(this.valueKind.length * 2);
      kinds.set(this.valueKind);
      this.valueKind = kinds;
      const nums = new Float64Array(this.valueNumber.length * 2);
      nums.set(this.valueNumber);
      this.valueNumber = nums;
    }
    this.keyStart[m] = ks;
    this.keyEnd[m] = ke;
    this.valueStart[m] = vs;
    this.valueEnd[m] = ve;
    this.valueKind[m] = kind;
    this.valueLink[m] = kind === ValueKind.Link ? this.linkCount - 1 : -1;
    this.valueNumber[m] = kind === ValueKind.Integer ? integerValue(this.b, vs, ve) : NaN;
    this.memberCount = m + 1;
  }

  /** At `"`: checks the string, leaves `i` after the closing quote, returns its flags. */
  private string(): number {
    const b = this.b;
    const end = this.end;
    let i = this.i + 1;
    let flags = 0;
    for (;;) {
      if (i >= end) this.fail('the input ends inside a string');
      const k = STRING_CLASS[b[i]!]!;
      if (k === 0) {
        i++;
        continue;
      }
      if (k === 1) {
        this.i = i + 1;
        return flags;
      }
      if (k === 2) {
        i = this.escape(i);
        flags |= HAS_ESCAPE;
        continue;
      }
      if (k === 3) this.fail('unescaped control character in a string', i);
      const n = this.utf8(i);
      if (n === 4) flags |= HAS_ASTRAL;
      i += n;
    }
  }

  /** At a backslash: checks the escape is one JSON.stringify writes; returns the offset after it. */
  private escape(i: number): number {
    const b = this.b;
    if (i + 1 >= this.end) this.fail('the input ends inside an escape', i);
    const e = b[i + 1]!;
    if (SHORT_ESCAPE[e] === 1) return i + 2;
    if (e !== 0x75) this.fail(e === 0x2f ? 'escaped "/" (JSON.stringify writes it literally)' : 'not a JSON escape', i);
    const v = this.hex4(i + 2);
    if (v < 0x20) {
      // \b \f \n \r \t have short forms
      if (v === 0x08 || v === 0x09 || v === 0x0a || v === 0x0c || v === 0x0d) this.fail('\\u escape of a character that has a short escape', i);
      return i + 6;
    }
    if (v >= 0xd800 && v <= 0xdbff) {
      // a high surrogate followed by an escaped low one is a pair, which JSON.stringify writes literally
      if (i + 11 < this.end && b[i + 6] === 0x5c && b[i + 7] === 0x75) {
        const next = this.hex4Soft(i + 8);
        if (next >= 0xdc00 && next <= 0xdfff) this.fail('escaped surrogate pair (JSON.stringify writes the character literally)', i);
      }
      return i + 6;
    }
    if (v >= 0xdc00 && v <= 0xdfff) return i + 6;
    return this.fail('\\u escape of a character JSON.stringify writes literally', i);
  }

  private hex4(at: number): number {
    const v = this.hex4Soft(at);
    if (v < 0) this.fail('\\u escape needs four lower-case hex digits', at - 2);
    return v;
  }

  private hex4Soft(at: number): number {
    if (at + 4 > this.end) return -1;
    const b = this.b;
    const h0 = HEX[b[at]!]!;
    const h1 = HEX[b[at + 1]!]!;
    const h2 = HEX[b[at + 2]!]!;
    const h3 = HEX[b[at + 3]!]!;
    if ((h0 | h1 | h2 | h3) < 0) return -1;
    return (h0 << 12) | (h1 << 8) | (h2 << 4) | h3;
  }

  /** Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF); returns the sequence length. */
  private utf8(i: number): number {
    const b = this.b;
    const end = this.end;
    const c = b[i]!;
    const c1 = i + 1 < end ? b[i + 1]! : 0;
    if (c >= 0xc2 && c <= 0xdf) {
      if ((c1 & 0xc0) === 0x80) return 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      const lo = c === 0xe0 ? 0xa0 : 0x80;
      const hi = c === 0xed ? 0x9f : 0xbf;
      if (c1 >= lo && c1 <= hi && i + 2 < end && (b[i + 2]! & 0xc0) === 0x80) return 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const lo = c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      if (c1 >= lo && c1 <= hi && i + 3 < end && (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80) return 4;
    }
    return this.fail('invalid UTF-8', i);
  }

  private number(): ValueKind {
    const b = this.b;
    const s = this.i;
    let i = s;
    while (i < this.end && NUMBER_CHAR[b[i]!] === 1) i++;
    this.i = i;
    // integer form: -?(0|[1-9][0-9]*), never -0
    let d = b[s] === 0x2d ? s + 1 : s;
    const firstDigit = d;
    while (d < i && b[d]! >= 0x30 && b[d]! <= 0x39) d++;
    if (d === i) {
      if (d === firstDigit) this.fail('not a number', s);
      if (b[firstDigit] === 0x30 && i - firstDigit > 1) this.fail('integer with a leading zero', s);
      if (b[firstDigit] === 0x30 && firstDigit > s) this.fail('-0 (the canonical form is 0)', s);
      return ValueKind.Integer;
    }
    let text = '';
    for (let k = s; k < i; k++) text += String.fromCharCode(b[k]!);
    const n = Number(text);
    if (!Number.isFinite(n)) this.fail('not a number', s);
    if (Number.isSafeInteger(n)) this.fail(`float ${text} with an integer value (the canonical form is ${String(n === 0 ? 0 : n)})`, s);
    if (floatForm(n) !== text) this.fail(`number ${text} is not in canonical form (${floatForm(n)})`, s);
    return ValueKind.Float;
  }
}

const EMPTY = new Uint8Array(0);
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const TRUE = ascii('true');
const FALSE = ascii('false');
const NULL = ascii('null');
const BYTES_KEY = ascii('"bytes":');

/** The canonical text of a non-integer (or unsafe) finite number: String(n), plus `.0` without `.`/`e`/`E`. */
function floatForm(n: number): string {
  const s = String(n);
  return /[.eE]/.test(s) ? s : s + '.0';
}

/** Value of a canonical integer token, NaN when outside the safe range. */
function integerValue(b: Uint8Array, s: number, e: number): number {
  const neg = b[s] === 0x2d;
  let v = 0;
  for (let k = neg ? s + 1 : s; k < e; k++) v = v * 10 + (b[k]! - 0x30);
  if (!Number.isSafeInteger(v)) return NaN;
  return neg ? -v : v;
}

/** Byte-wise comparison of two keys without escapes or 4-byte sequences (then the same as UTF-16 order). */
function compareBytes(b: Uint8Array, as: number, ae: number, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const d = b[as + k]! - b[bs + k]!;
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/** JavaScript string comparison of two validated keys (escapes decoded). */
function compareKeys(b: Uint8Array, as: number, ae: number, bs: number, be: number): number {
  const x = decodeStringText(b, as, ae);
  const y = decodeStringText(b, bs, be);
  return x < y ? -1 : x > y ? 1 : 0;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * The JS string a validated string's content bytes (between the quotes) stand for. Only for text that
 * {@link DagJsonScan} accepted: escapes are the JSON ones, the rest is UTF-8.
 */
export function decodeStringText(b: Uint8Array, s: number, e: number): string {
  const raw = Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('utf8');
  if (raw.indexOf('\\') < 0) return raw;
  return raw.replace(/\\(?:u([0-9a-f]{4})|(.))/g, (_m, hex: string | undefined, c: string | undefined) =>
    hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : ESCAPES[c!]!,
  );
}

/** True when `bytes` are canonical DAG-JSON (see the module comment). */
export function isCanonicalDagJsonBytes(bytes: Uint8Array): boolean {
  return shared.scan(bytes);
}

/** Why `bytes` are not canonical DAG-JSON (`at` is the byte offset), or null when they are. */
export function canonicalProblem(bytes: Uint8Array): { reason: string; at: number } | null {
  return shared.scan(bytes) ? null : { reason: shared.error!, at: shared.errorAt };
}

const shared = new DagJsonScan();
