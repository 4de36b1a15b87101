import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagJson from '@ipld/dag-json';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 as mfSha256 } from 'multiformats/hashes/sha2';
import * as raw from 'multiformats/codecs/raw';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { base58btc } from 'multiformats/bases/base58';
import {
  CID,
  CODEC_DAG_JSON,
  CODEC_RAW,
  base32Decode,
  base32Encode,
  decodeDagJson,
  encodeDagJson,
  internForEncoding,
  isCanonicalDagJson,
  parseJson,
  parseJsonStrict,
  rawCid,
  dagJsonCid,
} from '@llm-provenance/cid-exporter';

/** Converts our value (with our CID class) into what @ipld/dag-json expects (multiformats CID). */
function toIpld(v: unknown): unknown {
  if (v instanceof CID) return MfCID.parse(v.toString());
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(toIpld);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v))
      Object.defineProperty(out, k, { value: toIpld((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

const digest = fc.uint8Array({ minLength: 32, maxLength: 32 });
const ourCid = fc.tuple(fc.constantFrom(CODEC_RAW, CODEC_DAG_JSON), digest).map(([code, d]) => new CID(code, d));
// Strings: full unicode including astral chars, control chars, quotes, backslashes, U+2028/9 and lone
// surrogates' neighbours; lone surrogates themselves are normalised away before encoding (FORMAT.md 9).
const str = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '"', '\\', '\u2028', '\u2029', '\u007f', '\u0000\u001f', '\ud83d\ude00', '\ufffd', 'é', '/', 'bytes'),
);
const num = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0.1, 0.7, 1e-7, 1.5e300, 5e-324, -2.5, 1e21, 2 ** 60, -(2 ** 60), 123456789.123),
);
const key = fc.oneof(
  str.filter((k) => k !== '/' && k !== '__proto__'),
  fc.constantFrom('a', 'aa', 'b', 'A', '_', 'gen_ai.request.model', 'é', '\ud83d\ude00', '\uffff'),
);
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.constant(null), fc.boolean(), num, str, ourCid, fc.uint8Array({ maxLength: 64 })),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 6 }), fc.dictionary(key, tie('node'), { maxKeys: 6 })),
})).node;

describe('canonical DAG-JSON encoder', () => {
  it('is byte-identical to @ipld/dag-json encode for arbitrary values', () => {
    fc.assert(
      fc.property(value, (v) => {
        const ours = encodeDagJson(v);
        const theirs = dagJson.encode(toIpld(v));
        expect(Buffer.from(ours).toString('utf8')).toBe(Buffer.from(theirs).toString('utf8'));
        expect(Buffer.compare(ours, Buffer.from(theirs))).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('produces bytes @ipld/dag-json decodes back to the same value and that pass the canonical check', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (v) => {
        const ours = encodeDagJson(v);
        const again = dagJson.encode(dagJson.decode(ours));
        expect(Buffer.from(again).equals(ours)).toBe(true);
        expect(isCanonicalDagJson(ours)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('sorts keys the way @ipld/dag-json does (UTF-16 order, not length-first)', () => {
    const v = { b: 1, aa: 2, a: 3, '\uffff': 4, '\ud83d\ude00': 5, B: 6 };
    expect(encodeDagJson(v).toString()).toBe('{"B":6,"a":3,"aa":2,"b":1,"\ud83d\ude00":5,"\uffff":4}');
    expect(encodeDagJson(v).equals(Buffer.from(dagJson.encode(v)))).toBe(true);
  });

  it('writes floats, links and bytes exactly', () => {
    const link = rawCid('hello');
    expect(encodeDagJson({ f: 0.5, big: 2 ** 60, e: 1e21, small: 1e-7, neg0: -0, l: link, b: new Uint8Array([1, 2, 3, 4]) }).toString()).toBe(
      `{"b":{"/":{"bytes":"AQIDBA"}},"big":1152921504606847000.0,"e":1e+21,"f":0.5,"l":{"/":"${link.toString()}"},"neg0":0,"small":1e-7}`,
    );
  });

  it('rejects undefined, NaN and Infinity with the path in the message', () => {
    expect(() => encodeDagJson({ a: { b: undefined } })).toThrow('DAG-JSON cannot encode undefined (at .a.b)');
    expect(() => encodeDagJson({ x: [NaN] })).toThrow('DAG-JSON cannot encode NaN (at .x.0)');
    expect(() => encodeDagJson({ y: -Infinity })).toThrow('DAG-JSON cannot encode -Infinity (at .y)');
  });

  it('isCanonicalDagJson rejects whitespace, unsorted keys and float spellings', () => {
    expect(isCanonicalDagJson('{"a":1,"b":2}')).toBe(true);
    expect(isCanonicalDagJson('{"b":2,"a":1}')).toBe(false);
    expect(isCanonicalDagJson('{"a": 1}')).toBe(false);
    expect(isCanonicalDagJson('{"a":1.0}')).toBe(false);
    expect(isCanonicalDagJson('{"a":')).toBe(false);
  });

  it('decodes links and bytes back to CID and Uint8Array on request', () => {
    const link = dagJsonCid('{}');
    const bytes = encodeDagJson({ l: link, b: new Uint8Array([255, 0]) });
    const out = decodeDagJson(bytes, { links: true }) as { l: CID; b: Uint8Array };
    expect(out.l).toBeInstanceOf(CID);
    expect(out.l.toString()).toBe(link.toString());
    expect(Array.from(out.b)).toEqual([255, 0]);
    expect(decodeDagJson(bytes)).toEqual({ b: { '/': { bytes: '/wA' } }, l: { '/': link.toString() } });
  });
});

describe('encoder cache for interned maps', () => {
  it('encodes an interned map exactly like a plain one, and freezes it so the cache cannot go stale', () => {
    const plain = { 'service.name': 'svc', b: [1, 2, { c: rawCid('x') }], a: 'z' };
    const interned = internForEncoding(structuredClone({ ...plain, b: [1, 2, { c: 0 }] }));
    const expected = dagJson.encode(toIpld({ rec: 1, resource: { ...plain, b: [1, 2, { c: 0 }] } }));
    for (let i = 0; i < 3; i++) expect(encodeDagJson({ rec: 1, resource: interned }).equals(Buffer.from(expected))).toBe(true);
    expect(Object.isFrozen(interned)).toBe(true);
    expect(Object.isFrozen(interned.b[2])).toBe(true);
    expect(() => {
      (interned as { a: string }).a = 'changed';
    }).toThrow(TypeError);
  });

  it('hands our CIDs to @ipld/dag-json as links (multiformats asCID interop)', () => {
    const link = dagJsonCid('{"a":1}');
    const theirs = Buffer.from(dagJson.encode({ l: link, list: [link] }));
    expect(theirs.toString()).toBe(`{"l":{"/":"${link}"},"list":[{"/":"${link}"}]}`);
    expect(encodeDagJson({ l: link, list: [link] }).equals(theirs)).toBe(true);
    expect(MfCID.asCID(link)!.toString()).toBe(link.toString());
  });
});

describe('parsing', () => {
  it('gets escaped one-character keys right even where JSON.parse does not (Node 24.21 / V8 13.6)', () => {
    // On Node 24.21.0 this exact sequence makes JSON.parse return the key "\\" for "\"".
    JSON.parse('{"\\\\":1}');
    const text = '{"é":{"\\"":2}}';
    expect(Object.keys((parseJson(text) as Record<string, Record<string, number>>)['é']!)).toEqual(['"']);
    expect(decodeDagJson(text)).toEqual({ é: { '"': 2 } });
    expect(isCanonicalDagJson(text)).toBe(true);
  });

  it('strict parser agrees with JSON.parse on arbitrary JSON and rejects bad input by position', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 2000 },
    );
    expect(parseJsonStrict('{"__proto__":1}')).toEqual(JSON.parse('{"__proto__":1}'));
    expect(() => parseJsonStrict('{"a":1,}')).toThrow('JSON: expected string at position 7');
    expect(() => parseJsonStrict('[1] x')).toThrow('JSON: unexpected trailing characters at position 4');
    expect(() => parseJsonStrict('"\\x"')).toThrow('JSON: bad escape at position 3');
  });
});

describe('CIDs', () => {
  it('match multiformats for raw and dag-json blocks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const mh = await mfSha256.digest(bytes);
        expect(rawCid(bytes).toString()).toBe(MfCID.create(1, raw.code, mh).toString());
        expect(dagJsonCid(bytes).toString()).toBe(MfCID.create(1, 0x0129, mh).toString());
        expect(Buffer.from(rawCid(bytes).bytes).equals(Buffer.from(MfCID.create(1, raw.code, mh).bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('have the known string for "hello world" as a raw block', () => {
    // `echo -n "hello world" | ipfs add --cid-version 1 --raw-leaves` gives this CID.
    expect(rawCid('hello world').toString()).toBe('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
    expect(Buffer.from(rawCid('hello world').digest).toString('hex')).toBe(createHash('sha256').update('hello world').digest('hex'));
  });

  it('parse round-trips and rejects what is not a sha2-256 CIDv1', () => {
    const c = dagJsonCid('x');
    expect(c.toString().startsWith('baguqee')).toBe(true);
    expect(CID.parse(c.toString()).equals(c)).toBe(true);
    expect(CID.decode(c.bytes).toString()).toBe(c.toString());
    expect(() => CID.parse('QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG')).toThrow('expected a base32 CIDv1 string starting with "b"');
    expect(() => CID.parse('bafkrei!')).toThrow('base32: invalid character');
    const v0ish = MfCID.parse('bafkr4ihkr4ld3m4gqkjf4reryxsy2s5tkbxprqkow6fin2iiyvreuzzab4'); // blake3
    expect(() => CID.parse(v0ish.toString())).toThrow('unsupported multihash');
  });

  const ipfsCid = ['/usr/bin/ipfs_cid', '/usr/local/bin/ipfs_cid'].find((p) => fs.existsSync(p));
  it.skipIf(!ipfsCid)('string form matches the Rust cid implementation (Debian ipfs-cid; skipped when not installed)', () => {
    // ipfs_cid prints the UnixFS (dag-pb) CIDs of a file: CIDv0 (base58 multihash) and CIDv1 (base32).
    // Rebuilding the CIDv1 from the CIDv0's digest with our code checks our binary layout and base32.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ipfs-cid-'));
    try {
      for (const [i, content] of ['hello world', '', 'é😀\n', 'x'.repeat(5000)].entries()) {
        const file = path.join(dir, `f${i}`);
        fs.writeFileSync(file, content);
        const out = JSON.parse(execFileSync(ipfsCid!, [file], { encoding: 'utf8' }).split('\n')[0]!) as { CIDv0: string; CIDv1: string };
        const mh = base58btc.baseDecode(out.CIDv0);
        expect(Array.from(mh.subarray(0, 2))).toEqual([0x12, 0x20]);
        expect(new CID(0x70, mh.subarray(2)).toString()).toBe(out.CIDv1);
        expect(CID.parse(out.CIDv1).code).toBe(0x70);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('base32 round-trips arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(Array.from(base32Decode(base32Encode(b)))).toEqual(Array.from(b));
      }),
    );
  });
});
