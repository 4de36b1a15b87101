/**
 * Turns arbitrary attribute values into DAG-JSON data model values (FORMAT.md section 9). Never throws
 * except for circular structures, which cannot be represented at all ({@link UnstorableValueError}).
 * Paths (for `dropped` and errors) are only built when needed: most values are primitives.
 */
import { CID } from './cid.js';
import type { DagMap, DagValue } from './record.js';

export class UnstorableValueError extends Error {
  override name = 'UnstorableValueError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const isWellFormed = (String.prototype as unknown as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** Replaces lone UTF-16 surrogates by U+FFFD (what UTF-8 encoding would do anyway). */
export function wellFormed(s: string): string {
  if (isWellFormed ? isWellFormed.call(s) : !/[\uD800-\uDFFF]/.test(s)) return s;
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

export class Normaliser {
  /** Paths of keys that were dropped (FORMAT.md "dropped"). */
  readonly dropped: string[] = [];
  private seen: Set<object> | undefined;

  /** Forgets the dropped paths, for reuse on the next record. */
  reset(): void {
    if (this.dropped.length > 0) this.dropped.length = 0;
  }

  /** Normalised `v`; undefined means "drop it". `parent` + `key` name its path. */
  value(v: unknown, parent: string, key: string | number): DagValue | undefined {
    switch (typeof v) {
      case 'string':
        return wellFormed(v);
      case 'boolean':
        return v;
      case 'number':
        if (Number.isSafeInteger(v)) return v === 0 ? 0 : v;
        if (Number.isNaN(v)) return 'NaN';
        if (v === Infinity) return 'Infinity';
        if (v === -Infinity) return '-Infinity';
        if (Number.isInteger(v)) return BigInt(v).toString();
        return v;
      case 'bigint':
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
      case 'object': {
        if (v === null) return null;
        if (v instanceof CID || v instanceof Uint8Array) return v;
        if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
        const path = `${parent}.${key}`;
        const seen = (this.seen ??= new Set());
        if (seen.has(v)) throw new UnstorableValueError(`circular structure at ${path}`);
        seen.add(v);
        try {
          if (Array.isArray(v)) {
            const out: DagValue[] = new Array<DagValue>(v.length);
            for (let i = 0; i < v.length; i++) {
              const x = this.value(v[i], path, i);
              out[i] = x === undefined ? null : x;
            }
            return out;
          }
          return this.map(v as Record<string, unknown>, path);
        } finally {
          seen.delete(v);
        }
      }
      default:
        // undefined, function, symbol
        return undefined;
    }
  }

  /**
   * Normalises a string-keyed map into a new map with keys in sorted order; keys `/` and `__proto__`
   * and values that normalise to nothing are dropped (and listed in `dropped`).
   */
  map(obj: Record<string, unknown> | undefined | null, path: string, skip?: (key: string) => boolean): DagMap {
    const out: DagMap = {};
    if (obj === undefined || obj === null) return out;
    const keys = Object.keys(obj);
    let sorted = true;
    for (let i = 1; i < keys.length; i++) {
      if (keys[i - 1]! >= keys[i]!) {
        sorted = false;
        break;
      }
    }
    if (!sorted) keys.sort();
    for (const rawKey of keys) {
      if (skip !== undefined && skip(rawKey)) continue;
      const key = wellFormed(rawKey);
      if (key === '/' || key === '__proto__') {
        this.dropped.push(`${path}.${key}`);
        continue;
      }
      const x = this.value(obj[rawKey], path, key);
      if (x === undefined) {
        this.dropped.push(`${path}.${key}`);
        continue;
      }
      out[key] = x;
    }
    return out;
  }
}
