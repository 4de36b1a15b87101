/**
 * Property tests: verify's canonical DAG-JSON validator and the writer's encoder, each checked against
 * @ipld/dag-json (the reference implementation) on generated inputs, so that neither can share a bug
 * with the other unnoticed:
 *  (a) for arbitrary data-model values, @ipld/dag-json's encoding is accepted by the validator, and the
 *      writer's encoder produces exactly the same bytes;
 *  (b) mutations of canonical text (reordered or duplicate keys, whitespace, other escapes, other number
 *      forms, padded base64) are rejected, and each is confirmed non-canonical by @ipld/dag-json;
 *  (c) on arbitrary byte edits of canonical text the validator agrees with @ipld/dag-json's own
 *      decode/re-encode round trip.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as dagJson from '@ipld/dag-json';
import { CID as MfCID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import { CID, DagJsonScan, encodeDagJson } from '@llm-provenance/cid-exporter';

const scan = new DagJsonScan();
const accepts = (bytes: Uint8Array): boolean => scan.scan(bytes);

/** String units: any code point, control characters, lone surrogates, and the characters JSON escapes. */
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom('"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u2028', '\u007f', '\ufeff', 'é', '😀', '\uffff') },
);
const text = fc.string({ unit, maxLength: 12 });
const key = text.filter((k) => k !== '/' && k !== '__proto__');
const link = fc
  .tuple(fc.constantFrom(0x55, 0x0129), fc.uint8Array({ minLength: 32, maxLength: 32 }))
  .map(([code, d]) => MfCID.createV1(code, createDigest(0x12, d)));
const number = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0.1, 1e21, 1e-7, 2 ** 53, -(2 ** 53), 5e-324, 1.7976931348623157e308, 123456789.125, -0),
);

/** Arbitrary IPLD data-model values (maps never use the reserved key "/"). */
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    number,
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).filter((b) => b < -(2n ** 53n) || b > 2n ** 53n),
    text,
    fc.uint8Array({ maxLength: 20 }),
    link,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  ),
}));

/** The same value with multiformats CIDs replaced by the package's own CID class (what the writer encodes). */
function ours(v: unknown): unknown {
  if (v instanceof MfCID) return CID.parse(v.toString());
  if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(ours);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v))
    Object.defineProperty(out, k, { value: ours((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

/** True when @ipld/dag-json decodes `bytes` and re-encodes them to the same bytes. */
function roundTrips(bytes: Uint8Array): boolean {
  let v: unknown;
  try {
    v = dagJson.decode(bytes);
  } catch {
    return false;
  }
  try {
    return Buffer.from(dagJson.encode(v)).equals(Buffer.from(bytes));
  } catch {
    return false;
  }
}

/** A decoded value holding a plain map with the key "/" (which @ipld/dag-json keeps and the validator reserves). */
function hasReservedMap(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array || MfCID.asCID(v)) return false;
  if (Array.isArray(v)) return v.some(hasReservedMap);
  return Object.keys(v).includes('/') || Object.values(v as Record<string, unknown>).some(hasReservedMap);
}

describe('canonical DAG-JSON, cross-checked with @ipld/dag-json', () => {
  it('(a) accepts what @ipld/dag-json encodes, and the writer encodes the same bytes', () => {
    fc.assert(
      fc.property(value, (v) => {
        const reference = Buffer.from(dagJson.encode(v));
        expect(accepts(reference), `${reference} ${scan.error} at ${scan.errorAt}`).toBe(true);
        expect(encodeDagJson(ours(v)).toString('latin1')).toBe(reference.toString('latin1'));
      }),
      { numRuns: 2000 },
    );
  });

  it('(a) reports every link in document order, at its CID text', () => {
    fc.assert(
      fc.property(value, (v) => {
        const reference = Buffer.from(dagJson.encode(v));
        expect(accepts(reference)).toBe(true);
        const found: string[] = [];
        for (let k = 0; k < scan.linkCount; k++) found.push(reference.toString('utf8', scan.linkStart[k], scan.linkEnd[k]));
        const expected: string[] = [];
        for (const m of reference.toString('latin1').matchAll(/\{"\/":"(b[a-z2-7]+)"\}/g)) expected.push(m[1]!);
        expect(found).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  type Mutation = (canonical: string) => string | undefined;
  /** Positions of structural bytes (outside strings) in canonical text. */
  const structural = (s: string): number[] => {
    const out: number[] = [];
    let inString = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else out.push(i);
    }
    return out;
  };
  const pick = <T>(xs: T[], r: number): T | undefined => (xs.length ? xs[r % xs.length] : undefined);

  const mutations = (r: number): Record<string, Mutation> => ({
    whitespace: (s) => {
      const positions = structural(s);
      const at = pick(positions, r);
      return at === undefined ? undefined : s.slice(0, at + 1) + pick([' ', '\n', '\t', '\r'], r >> 3)! + s.slice(at + 1);
    },
    'leading whitespace': (s) => ' ' + s,
    'reordered keys': (s) => {
      // two adjacent members of a map swapped: `"a":1,"b":2` -> `"b":2,"a":1`
      const m =
        /\{("(?:[^"\\]|\\.)*":(?:-?[0-9.eE+]+|true|false|null|"(?:[^"\\]|\\.)*")),("(?:[^"\\]|\\.)*":(?:-?[0-9.eE+]+|true|false|null|"(?:[^"\\]|\\.)*"))([,}])/.exec(
          s,
        );
      return m ? s.slice(0, m.index) + `{${m[2]},${m[1]}${m[3]}` + s.slice(m.index + m[0].length) : undefined;
    },
    'duplicate key': (s) => {
      const m = /\{("(?:[^"\\]|\\.)*":(?:-?[0-9.eE+]+|true|false|null|"(?:[^"\\]|\\.)*"))([,}])/.exec(s);
      return m ? s.slice(0, m.index) + `{${m[1]},${m[1]}${m[2]}` + s.slice(m.index + m[0].length) : undefined;
    },
    'escaped literal': (s) => {
      // a character JSON.stringify writes literally, written as a \u escape instead
      const m = /"([^"\\]*?)([ -~])/.exec(s);
      if (!m || m[2] === '"' || m[2] === '\\') return undefined;
      const at = m.index + 1 + m[1]!.length;
      return s.slice(0, at) + `\\u${m[2]!.charCodeAt(0).toString(16).padStart(4, '0')}` + s.slice(at + 1);
    },
    'escaped slash': (s) => (s.includes('/') && !s.includes('{"/"') ? s.replace(/\/(?=[^"]*")/, '\\/') : undefined),
    'upper-case hex escape': (s) =>
      /\\u00[0-9a-f]*[a-f]/.test(s) ? s.replace(/\\u(00[0-9a-f]*[a-f][0-9a-f]*)/, (_m, h: string) => `\\u${h.toUpperCase()}`) : undefined,
    'long escape for a short one': (s) => (s.includes('\\n') ? s.replace('\\n', '\\u000a') : undefined),
    'integer as float': (s) => {
      const positions = structural(s).filter((i) => /[0-9]/.test(s[i]!) && !/[0-9.eE+-]/.test(s[i + 1] ?? ''));
      const at = pick(positions, r);
      if (at === undefined) return undefined;
      let start = at;
      while (start > 0 && /[0-9.eE+-]/.test(s[start - 1]!)) start--;
      if (/[.eE]/.test(s.slice(start, at + 1))) return s.slice(0, at + 1) + '0' + s.slice(at + 1); // trailing zero
      return s.slice(0, at + 1) + pick(['.0', 'e0', '.00'], r >> 2)! + s.slice(at + 1);
    },
    'leading zero': (s) => {
      const positions = structural(s).filter((i) => /[1-9]/.test(s[i]!) && !/[0-9.-]/.test(s[i - 1] ?? ''));
      const at = pick(positions, r);
      return at === undefined ? undefined : s.slice(0, at) + '0' + s.slice(at);
    },
    'exponent without sign': (s) => (/e\+/.test(s) ? s.replace(/e\+/, 'e') : undefined),
    'padded base64': (s) => {
      const m = /"bytes":"([A-Za-z0-9+/]+)"/.exec(s);
      return m && m[1]!.length % 4 !== 0 ? s.replace(`"bytes":"${m[1]}"`, `"bytes":"${m[1]}${'='.repeat(4 - (m[1]!.length % 4))}"`) : undefined;
    },
  });

  it('(b) rejects mutations of canonical text, each confirmed non-canonical by @ipld/dag-json', () => {
    const tried = new Map<string, number>();
    fc.assert(
      fc.property(value, fc.nat(), (v, r) => {
        const canonical = Buffer.from(dagJson.encode(v)).toString('utf8');
        for (const [name, mutate] of Object.entries(mutations(r))) {
          const mutated = mutate(canonical);
          if (mutated === undefined || mutated === canonical) continue;
          const bytes = Buffer.from(mutated, 'utf8');
          // the mutation must really be non-canonical for the reference, or the check is meaningless
          if (roundTrips(bytes)) continue;
          tried.set(name, (tried.get(name) ?? 0) + 1);
          expect(accepts(bytes), `${name}: ${mutated}`).toBe(false);
        }
      }),
      { numRuns: 1500 },
    );
    // every kind of mutation was actually exercised
    expect([...tried.keys()].sort()).toEqual(Object.keys(mutations(0)).sort());
  });

  it('(c) agrees with @ipld/dag-json on arbitrary byte edits of canonical text', () => {
    const interesting = [...'{}[]:,"\\ \n0123456789.eE+-/abtnfru'].map((c) => c.charCodeAt(0)).concat([0x00, 0x1f, 0x7f, 0x80, 0xc3, 0xed, 0xf0, 0xff]);
    let agreedOnValid = 0;
    fc.assert(
      fc.property(
        value,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...interesting), fc.constantFrom('insert', 'replace', 'delete')), { minLength: 1, maxLength: 2 }),
        (v, edits) => {
          let bytes = Buffer.from(dagJson.encode(v));
          for (const [at, byte, op] of edits) {
            const i = bytes.length ? at % (bytes.length + (op === 'insert' ? 1 : 0)) : 0;
            if (op === 'insert') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
            else if (op === 'replace' && bytes.length) bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i + 1)]);
            else if (bytes.length) bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
          }
          let decoded: unknown;
          try {
            decoded = dagJson.decode(bytes);
          } catch {
            decoded = undefined;
          }
          // maps with the key "/" round-trip in @ipld/dag-json but are reserved here; links are parsed by the caller
          if (decoded !== undefined && hasReservedMap(decoded)) return;
          const reference = roundTrips(bytes);
          const ok = accepts(bytes);
          if (ok && !reference) {
            // accepted but not decodable by the reference: only a link text that is not a CID may do that
            const linkTexts = [];
            for (let k = 0; k < scan.linkCount; k++) linkTexts.push(bytes.toString('utf8', scan.linkStart[k], scan.linkEnd[k]));
            expect(
              linkTexts.some((t) => {
                try {
                  MfCID.parse(t);
                  return false;
                } catch {
                  return true;
                }
              }),
              bytes.toString('latin1'),
            ).toBe(true);
            return;
          }
          if (reference) agreedOnValid++;
          expect(ok, `${bytes.toString('latin1')} (${scan.error} at ${scan.errorAt})`).toBe(reference);
        },
      ),
      { numRuns: 5000 },
    );
    expect(agreedOnValid).toBeGreaterThan(100);
  });
});
