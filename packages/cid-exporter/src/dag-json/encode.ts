/**
 * Canonical DAG-JSON encoder, byte-identical to `@ipld/dag-json` `encode` (v10, cborg 5 JSON encoder)
 * for the data model we store: null, booleans, finite numbers, strings, arrays, maps with string keys,
 * links (our {@link CID}) and bytes (Uint8Array). Spec: https://ipld.io/specs/codecs/dag-json/spec/
 *
 * Why our own: going through cborg tokens is ~4x slower, and the runtime package must not depend on
 * ESM-only packages. Rules mirrored from cborg/lib/json/encode.js (see FORMAT.md section 8):
 *  - map keys sorted by JS string comparison (cborg compares `Token[string].<key>` strings);
 *  - strings written by JSON.stringify (cborg does the same);
 *  - safe integers as digits; other numbers String(n) plus ".0" when that has no '.', 'e' or 'E'.
 * Speed: maps whose keys are already in order are not re-sorted, and maps registered with
 * {@link internForEncoding} (resource and scope maps repeat on every span) are encoded once.
 */
import { CID } from '../cid.js';

export class DagJsonEncodeError extends Error {
  override name = 'DagJsonEncodeError';
}

const keyCache = new Map<string, string>();

/**
 * Characters JSON.stringify would escape (or, for surrogates, might: it escapes lone ones). Strings
 * without any are quoted by concatenation, which is several times faster than JSON.stringify for
 * payload-sized strings; the output is the same (FORMAT.md section 8).
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON text must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The DAG-JSON (= JSON.stringify) form of a string. */
export function quoteString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

const immutable = new WeakSet<object>();
const encodedCache = new WeakMap<object, string>();

function quoteKey(key: string): string {
  let q = keyCache.get(key);
  if (q === undefined) {
    q = quoteString(key);
    if (keyCache.size < 4096) keyCache.set(key, q);
  }
  return q;
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || value instanceof CID || value instanceof Uint8Array) return;
  Object.freeze(value);
  for (const k of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[k]);
}

/**
 * Deep-freezes `obj` and lets the encoder cache its encoding by identity. For values that repeat on
 * every record (resource attributes, instrumentation scope). Returns `obj`.
 */
export function internForEncoding<T extends object>(obj: T): T {
  deepFreeze(obj);
  immutable.add(obj);
  return obj;
}

/** Why a value cannot be encoded, or null if it can. */
function problem(value: unknown): string | null {
  switch (typeof value) {
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (value === Infinity || value === -Infinity) return String(value);
      return null;
    case 'undefined':
      return 'undefined';
    case 'function':
    case 'symbol':
      return `a ${typeof value}`;
    default:
      return null;
  }
}

/** Finds the path of the first value that cannot be encoded (only called after a failure). */
function locate(value: unknown, path: string, depth: number): string | null {
  if (depth > 256) return `nesting deeper than 256 (at ${path || 'root'})`;
  const p = problem(value);
  if (p !== null) return `DAG-JSON cannot encode ${p} (at ${path || 'root'})`;
  if (value === null || typeof value !== 'object' || value instanceof CID || value instanceof Uint8Array) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const r = locate(value[i], `${path}.${i}`, depth + 1);
      if (r) return r;
    }
    return null;
  }
  for (const k of Object.keys(value).sort()) {
    const r = locate((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
    if (r) return r;
  }
  return null;
}

const FAIL = new DagJsonEncodeError('unencodable value');

/** DAG-JSON form of a finite number (throws an internal marker for NaN/Infinity: check first). */
export function encodeNumber(n: number): string {
  if (Number.isSafeInteger(n)) return '' + n;
  if (n !== n || n === Infinity || n === -Infinity) throw FAIL;
  const s = String(n);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 || c === 101 || c === 69) return s;
  }
  return s + '.0';
}

function encodeBytes(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let end = b64.length;
  while (end > 0 && b64.charCodeAt(end - 1) === 61) end--; // strip '=' padding
  return '{"/":{"bytes":"' + b64.slice(0, end) + '"}}';
}

function encodeMap(obj: Record<string, unknown>, depth: number): string {
  const keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! >= keys[i]!) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (i > 0) out += ',';
    out += quoteKey(k) + ':' + encodeValue(obj[k], depth);
  }
  return out + '}';
}

function encodeValue(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return encodeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null) return 'null';
      if (depth > 256) throw FAIL;
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += encodeValue(value[i], depth + 1);
        }
        return out + ']';
      }
      if (value instanceof CID) return '{"/":"' + value.toString() + '"}';
      if (value instanceof Uint8Array) return encodeBytes(value);
      if (immutable.has(value)) {
        let cached = encodedCache.get(value);
        if (cached === undefined) {
          cached = encodeMap(value as Record<string, unknown>, depth + 1);
          encodedCache.set(value, cached);
        }
        return cached;
      }
      return encodeMap(value as Record<string, unknown>, depth + 1);
    }
    default:
      throw FAIL;
  }
}

/** DAG-JSON text of `value` (a JS string; UTF-8 encode it for the bytes). Throws DagJsonEncodeError naming the path. */
export function encodeDagJsonString(value: unknown): string {
  try {
    return encodeValue(value, 0);
  } catch (err) {
    if (err !== FAIL) throw err;
    throw new DagJsonEncodeError(locate(value, '', 0) ?? 'DAG-JSON cannot encode this value');
  }
}

/** DAG-JSON bytes of `value`. */
export function encodeDagJson(value: unknown): Buffer {
  return Buffer.from(encodeDagJsonString(value), 'utf8');
}
