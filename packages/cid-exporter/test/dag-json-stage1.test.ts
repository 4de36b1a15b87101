/**
 * The WebAssembly stage 1 of the canonical DAG-JSON validator (wasm/dag-json-stage1.c): the committed
 * binary is the build of the committed source, and the validator with stage 1 accepts and rejects exactly
 * what the JavaScript-only path does, naming the same problem at the same offset, on the cases stage 1
 * handles in its own way (16-byte blocks, UTF-8 sequences across a block's end, documents inside a larger
 * buffer, documents it leaves to JavaScript). The generated cross-checks against @ipld/dag-json, for both
 * paths, are in verify-canonical-property.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DagJsonScan } from '@llm-provenance/cid-exporter';

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const generated = fs.readFileSync(path.join(packageDir, 'src/dag-json/stage1-wasm.ts'), 'utf8');
const committedBase64 = /STAGE1_WASM_BASE64 =\s*'([A-Za-z0-9+/=]+)'/.exec(generated)![1]!;
const committedClang = Number(/STAGE1_CLANG_MAJOR = (\d+)/.exec(generated)![1]);
const clangMajor = (() => {
  const run = spawnSync('clang', ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? Number(/clang version (\d+)/.exec(run.stdout)?.[1]) : undefined;
})();

const wasm = new DagJsonScan(['v', 'seq', 'prev']);
const js = new DagJsonScan(['v', 'seq', 'prev'], { stage1: 'js' });

/** Everything a scan reports, for comparing the two paths. */
function outcome(scan: DagJsonScan, bytes: Uint8Array, start = 0, end = bytes.length) {
  const ok = scan.scan(bytes, start, end);
  const links = Array.from({ length: scan.linkCount }, (_, k) => [scan.linkStart[k], scan.linkEnd[k], scan.linkLength[k]]);
  const members = Array.from({ length: scan.memberCount }, (_, m) => [scan.keyStart[m], scan.valueEnd[m], scan.valueKind[m], scan.valueNumber[m]]);
  return { ok, error: scan.error, errorAt: scan.errorAt, links, members, wanted: [...scan.wanted] };
}

/** Scans with both paths; returns whether stage 1's offsets were used. */
function expectSameOutcome(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  expect(outcome(wasm, bytes, start, end), Buffer.from(bytes.subarray(start, end)).toString('latin1')).toEqual(outcome(js, bytes, start, end));
  return wasm.usedWasm;
}

describe('DAG-JSON validator stage 1 in WebAssembly', () => {
  it.skipIf(clangMajor !== committedClang)(`the committed binary is the build of wasm/dag-json-stage1.c (clang ${committedClang})`, () => {
    const fresh = execFileSync(process.execPath, [path.join(packageDir, 'wasm/build.mjs'), '--print'], { encoding: 'utf8' }).trim();
    expect(fresh).toBe(committedBase64);
  });

  it('is used where WebAssembly SIMD is available (Node 20 and later)', () => {
    expect(wasm.scan(Buffer.from('{"seq":1,"v":2}'))).toBe(true);
    expect(wasm.usedWasm).toBe(true);
    expect(js.scan(Buffer.from('{"seq":1,"v":2}'))).toBe(true);
    expect(js.usedWasm).toBe(false);
  });

  it('agrees with the JavaScript path on strings of every length, with a special byte at every position', () => {
    // literal ASCII, an escape, a quote, 2- and 3-byte UTF-8, a control byte, a stray continuation byte
    const specials: Uint8Array[] = [
      [0x5c, 0x6e],
      [0x5c, 0x22],
      [0xc3, 0xa9],
      [0xe2, 0x82, 0xac],
      [0x0a],
      [0x1f],
      [0x80],
      [0xc3],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x9f, 0x98, 0x80],
      [0x22],
    ].map((b) => Uint8Array.from(b));
    let usedWasm = 0;
    let accepted = 0;
    for (let length = 0; length <= 40; length++)
      for (let at = 0; at <= length; at++)
        for (const special of specials) {
          const inner = Buffer.concat([Buffer.alloc(at, 0x61), special, Buffer.alloc(length - at, 0x62)]);
          const doc = Buffer.concat([Buffer.from('{"a":"'), inner, Buffer.from('","b":["'), inner, Buffer.from('"]}')]);
          if (expectSameOutcome(doc)) usedWasm++;
          if (js.scan(doc)) accepted++;
        }
    // every kind of case was met: accepted and rejected documents, on both paths
    expect(usedWasm).toBeGreaterThan(4000);
    expect(accepted).toBeGreaterThan(3000);
  });

  it('orders map keys with shared prefixes of every length as the JavaScript path does', () => {
    const results: boolean[] = [];
    for (let length = 0; length <= 40; length++) {
      const prefix = 'gen_ai.usage.cost.amount.input_tokens.é'.slice(0, length);
      for (const [first, second] of [
        ['a', 'b'],
        ['b', 'a'],
        ['a', 'a'],
        ['', 'a'],
        ['a', ''],
        ['z', 'é'],
        ['é', 'z'],
      ]) {
        const doc = Buffer.from(`{"${prefix}${first}":1,"${prefix}${second}":2}`);
        expect(expectSameOutcome(doc)).toBe(true);
        results.push(js.scan(doc));
      }
    }
    // in order (a<b, ""<a, z<é) accepted; reversed or duplicate rejected
    expect(results).toEqual(Array.from({ length: 41 }, () => [true, false, false, true, false, true, false]).flat());
  });

  it('scans a document inside a larger buffer, reporting offsets in that buffer', () => {
    const doc = '{"prev":{"/":"baguqeeraqtrkgtk6fnwhw65bvxc757rkqltgioyw2dpzqvelqx3nzmz4yz3q"},"seq":12,"text":"déjà vu \\"quoted\\"","v":2}';
    const buffer = Buffer.from(`${'x'.repeat(37)}${doc}\n${doc.replace('"seq":12', '"seq" :12')}\n`);
    const firstEnd = 37 + Buffer.byteLength(doc);
    expect(expectSameOutcome(buffer, 37, firstEnd)).toBe(true);
    expect(outcome(wasm, buffer, 37, firstEnd)).toMatchObject({ ok: true, error: null, links: [[51, 112, 37]], wanted: [2, 1, 0] });
    expect(expectSameOutcome(buffer, firstEnd + 1, buffer.length - 1)).toBe(true);
    expect(outcome(wasm, buffer, firstEnd + 1, buffer.length - 1)).toMatchObject({ ok: false, error: 'whitespace', errorAt: firstEnd + 1 + 83 });
  });

  it('leaves documents over 1 MiB and characters beyond the BMP to the JavaScript path, with the same result', () => {
    const large = Buffer.from(JSON.stringify({ a: 'é'.repeat(600_000) }));
    expect(expectSameOutcome(large)).toBe(false);
    expect(wasm.scan(large)).toBe(true);
    const astral = Buffer.from(JSON.stringify({ a: '😀', b: 'x' }));
    expect(expectSameOutcome(astral)).toBe(false);
    expect(wasm.scan(astral)).toBe(true);
  });
});
