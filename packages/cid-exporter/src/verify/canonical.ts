/**
 * The canonical DAG-JSON text of a JSON value, for telling apart a record that only lost its canonical
 * encoding (its canonical form is what its successor links) from one whose content changed. Written
 * here from FORMAT.md section 8 rather than taken from the writer's encoder, like the validator.
 * Used only on records the validator already rejected.
 */

function quote(s: string): string {
  return JSON.stringify(s);
}

function number(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  if (Number.isSafeInteger(n)) return String(n === 0 ? 0 : n);
  const s = String(n);
  return /[.eE]/.test(s) ? s : s + '.0';
}

function bytesForm(b64: string): string | undefined {
  // Node's base64 decoder skips characters outside the alphabet; DAG-JSON allows none.
  if (!/^[A-Za-z0-9+/]*$/.test(b64)) return undefined;
  return Buffer.from(b64, 'base64').toString('base64').replace(/=+$/, '');
}

function encode(value: unknown, depth: number): string | undefined {
  if (depth > 1000) return undefined;
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return number(value);
    case 'string':
      return quote(value);
    case 'object': {
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (const v of value) {
          const e = encode(v, depth + 1);
          if (e === undefined) return undefined;
          items.push(e);
        }
        return `[${items.join(',')}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      if (keys.length === 1 && keys[0] === '/') {
        const inner = obj['/'];
        if (typeof inner === 'string') return `{"/":${quote(inner)}}`;
        if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
          const ik = Object.keys(inner);
          const b = (inner as Record<string, unknown>).bytes;
          if (ik.length === 1 && typeof b === 'string') {
            const canonical = bytesForm(b);
            return canonical === undefined ? undefined : `{"/":{"bytes":"${canonical}"}}`;
          }
        }
        return undefined;
      }
      if (keys.includes('/')) return undefined;
      const members: string[] = [];
      for (const k of keys) {
        const e = encode(obj[k], depth + 1);
        if (e === undefined) return undefined;
        members.push(`${quote(k)}:${e}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return undefined;
  }
}

/** Canonical DAG-JSON text of a parsed JSON value, or undefined when it has none. */
export function canonicalDagJson(value: unknown): string | undefined {
  return encode(value, 0);
}
