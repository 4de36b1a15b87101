/**
 * The canonical DAG-JSON text of a parsed value, for the "decode, re-encode, compare" check.
 * Bytes (`{"/": {"bytes": "<base64>"}}`) are decoded and re-encoded too: base64 without padding has
 * spare bits in its last character, so two different texts can decode to the same bytes, and only the
 * one the encoder writes is canonical (https://ipld.io/specs/codecs/dag-json/spec/#bytes).
 */
import { encodeDagJsonString } from '../dag-json/index.js';

function reviveBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reviveBytes);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === '/') {
    const inner = obj['/'];
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      const ik = Object.keys(inner);
      const b = (inner as Record<string, unknown>).bytes;
      if (ik.length === 1 && typeof b === 'string') {
        // Node's base64 decoder skips characters outside the alphabet; DAG-JSON allows none.
        if (!/^[A-Za-z0-9+/]*$/.test(b)) throw new Error('bytes are not unpadded base64');
        return new Uint8Array(Buffer.from(b, 'base64'));
      }
    }
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(out, k, { value: reviveBytes(obj[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Canonical DAG-JSON text for a value parsed with JSON.parse, or undefined if it cannot be encoded. */
export function canonicalDagJson(value: unknown): string | undefined {
  try {
    return encodeDagJsonString(reviveBytes(value));
  } catch {
    return undefined;
  }
}
