/**
 * Reading DAG-JSON we wrote. Links stay plain `{"/": "<cid>"}` objects unless `links: true` asks for
 * {@link CID} instances. `isCanonicalDagJson` is the check readers use: the bytes must be exactly what the
 * canonical encoder produces for their value, decided by the independent validator (./validate.ts).
 */
import { CID } from '../cid.js';
import { encodeDagJsonString } from './encode.js';
import { parseJsonStrict } from './parse.js';
import { isCanonicalDagJsonBytes } from './validate.js';

/**
 * JSON.parse, checked: when the text has escapes and does not re-encode to itself, parse again with the
 * strict JS parser (works around a V8 13.6 / Node 24 JSON.parse bug with escaped one-character keys,
 * see ./parse.ts). For canonical DAG-JSON, the common case, this costs one re-encode only when the
 * text contains a backslash.
 */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (text.indexOf('\\') < 0) return value;
  let again: string | null = null;
  try {
    again = encodeDagJsonString(value);
  } catch {
    /* not encodable as DAG-JSON (e.g. has no float form): decide with the strict parser */
  }
  return again === text ? value : parseJsonStrict(text);
}

export interface DecodeOptions {
  /** Turn `{"/": "<cid>"}` into CID instances and `{"/": {"bytes": "..."}}` into Uint8Array. */
  links?: boolean;
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === '/') {
      const inner = obj['/'];
      if (typeof inner === 'string') return CID.parse(inner);
      if (inner !== null && typeof inner === 'object') {
        const ik = Object.keys(inner);
        const b = (inner as Record<string, unknown>)['bytes'];
        if (ik.length === 1 && typeof b === 'string') return new Uint8Array(Buffer.from(b, 'base64'));
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) Object.defineProperty(out, k, { value: revive(obj[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

export function decodeDagJson(bytes: Uint8Array | string, options: DecodeOptions = {}): unknown {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const value = parseJson(text);
  return options.links ? revive(value) : value;
}

/** True when `bytes` are canonical DAG-JSON (FORMAT.md section 8). */
export function isCanonicalDagJson(bytes: Uint8Array | string): boolean {
  return isCanonicalDagJsonBytes(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
}
