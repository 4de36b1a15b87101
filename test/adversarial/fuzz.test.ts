/**
 * Family 5, property-based fuzzing (fast-check) of the three readers that meet untrusted bytes: verify of a
 * store (verifyStore), the CAR reader and verify of a CAR (openCar, verifyCar), and the record decoder
 * (the canonical DAG-JSON validator and decodeDagJson). Inputs are real stores and CARs written by the real
 * exporter (packages/cid-exporter/test/fixtures/export-child.cjs), mutated by byte flips, inserted bytes,
 * deleted ranges, duplicated ranges and truncations, so sizes stay bounded and every call must return.
 *
 * - No crash: verify returns a report, or throws one of its documented input errors (a record of another
 *   format version, an edited key file); the CAR reader stops with a structure error or at the end.
 * - No false accept: a mutation that changed the bytes is never reported ok. The record decoder calls a
 *   line canonical only when @ipld/dag-json, decoding and re-encoding it, gives the same bytes back.
 */
import * as fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import * as dagJson from '@ipld/dag-json';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalProblem, decodeDagJson, exportCar, isCanonicalDagJson, openCar, verifyCar, verifyStore } from '@llm-provenance/cid-exporter';
import { testTempDir } from '../harness/index.js';
import { runExportChild } from '../../packages/cid-exporter/test/export-child-runner.js';
import { lines, tmpDir } from '../../packages/cid-exporter/test/verify-fixture.js';
import { note, tally } from './tally.js';
import { RUNS, SEED } from './runs.js';

const storeFuzz = tally('fuzz: verifyStore');
const carFuzz = tally('fuzz: CAR reader and verifyCar');
const recordFuzz = tally('fuzz: record decoder');

type Mutation =
  | { op: 'flip'; at: number; xor: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

/** Applies 1-3 mutations in turn (positions taken modulo the current length). */
function mutate(bytes: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(bytes);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.op) {
      case 'flip':
        b[at] ^= m.xor;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at, at + m.length), b.subarray(at + m.length)]);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}
const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

/** verify's documented input errors (the rest of what it finds is a failure in the report). */
const DOCUMENTED_THROW = /^(store key .* (was edited|is not)|.*format version)/;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

let store: string;
let files: string[];
let car: Buffer;
let recordLines: Buffer[];

beforeAll(async () => {
  store = path.join(tmpDir('adv-fuzz'), 'store');
  // two closed logs, the first with a checkpoint before its seal; records link payload, params and resource blocks
  const a = (await runExportChild(store, ['3', '20'])).acked[0]!.log;
  const b = (await runExportChild(store, ['1', '7'])).acked[0]!.log;
  files = walk(store)
    .map((f) => path.relative(store, f))
    .sort();
  const carFile = path.join(tmpDir('adv-fuzz-car'), 'base.car');
  exportCar(store, carFile);
  car = fs.readFileSync(carFile);
  recordLines = [...lines(store, a), ...lines(store, b)];
  expect(verifyStore(store).failures).toEqual([]);
  expect(verifyCar(carFile).failures).toEqual([]);
}, 120_000);

/** uvarint of a section length far beyond any file here (16 GiB). */
const HUGE_LENGTH = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x40]);

const params = (numRuns: number) => ({ numRuns, seed: SEED, endOnFailure: true });

describe(`fuzzing (seed ${SEED})`, () => {
  // Found by the fuzzing below: a damaged section length made the reader allocate that many bytes (RangeError).
  it('a pack section declaring 16 GiB is a failure naming the pack, not a crash', () => {
    const dir = path.join(testTempDir('adv-fuzz-huge-'), 'store');
    fs.cpSync(store, dir, { recursive: true });
    const pack = files.find((f) => f.startsWith('blocks/'))!;
    fs.appendFileSync(path.join(dir, pack), Buffer.concat([HUGE_LENGTH, Buffer.alloc(40)]));
    const report = verifyStore(dir);
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => f.file)).toContain(pack);
  });

  it('a CAR section declaring 16 GiB is reported as truncated, not a crash', () => {
    const file = path.join(testTempDir('adv-fuzz-huge-car-'), 'huge.car');
    fs.writeFileSync(file, Buffer.concat([car, HUGE_LENGTH, Buffer.alloc(40)]));
    const report = verifyCar(file);
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ kind: 'truncated', offset: car.length });
  });

  it(`verifyStore: ${RUNS.fuzzStores} mutated stores, no crash, no false accept`, () => {
    const scratch = testTempDir('adv-fuzz-stores-');
    let run = 0;
    fc.assert(
      fc.property(fc.nat(), mutations, (which, ms) => {
        const rel = files[which % files.length]!;
        const original = fs.readFileSync(path.join(store, rel));
        const bytes = mutate(original, ms);
        if (bytes.equals(original)) return; // nothing changed: no claim to check
        const dir = path.join(scratch, String(run++));
        fs.cpSync(store, dir, { recursive: true });
        fs.writeFileSync(path.join(dir, rel), bytes);
        storeFuzz.cases++;
        note(storeFuzz, `stores with ${rel.split('/')[0]}/ mutated`);
        let ok: boolean;
        try {
          ok = verifyStore(dir).ok;
        } catch (error) {
          const documented = error instanceof Error && DOCUMENTED_THROW.test(error.message);
          if (!documented) storeFuzz.crashesOrHangs++;
          expect(documented, `${rel} ${JSON.stringify(ms)}: ${String(error)}`).toBe(true);
          ok = false;
          note(storeFuzz, 'refused as a documented input error');
        }
        if (ok) storeFuzz.falseAccepts++;
        expect(ok, `${rel} mutated by ${JSON.stringify(ms)} was accepted`).toBe(false);
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      params(RUNS.fuzzStores),
    );
  }, 600_000);

  it(`the CAR reader and verifyCar: ${RUNS.fuzzCars} mutated CARs, no crash, no hang, no false accept`, () => {
    const scratch = testTempDir('adv-fuzz-cars-');
    let run = 0;
    fc.assert(
      fc.property(mutations, (ms) => {
        const bytes = mutate(car, ms);
        if (bytes.equals(car)) return;
        const file = path.join(scratch, `${run++}.car`);
        fs.writeFileSync(file, bytes);
        carFuzz.cases++;
        note(carFuzz, 'CARs read');
        try {
          // The reader: header, then sections until the end or a structure error; never more sections than bytes.
          const opened = openCar(file);
          let sections = 0;
          if (opened.header) while (opened.sections.next()) expect(++sections).toBeLessThanOrEqual(bytes.length);
          opened.file.close();
          const report = verifyCar(file);
          if (report.ok) carFuzz.falseAccepts++;
          expect(report.ok, `CAR mutated by ${JSON.stringify(ms)} was accepted`).toBe(false);
        } catch (error) {
          if (!(error as Error).message?.includes('was accepted')) carFuzz.crashesOrHangs++;
          throw error;
        }
        fs.rmSync(file);
      }),
      params(RUNS.fuzzCars),
    );
  }, 600_000);

  it(`the record decoder: ${RUNS.fuzzRecords} mutated record lines, canonical only when @ipld/dag-json agrees`, () => {
    fc.assert(
      fc.property(fc.nat(), mutations, (which, ms) => {
        const original = recordLines[which % recordLines.length]!;
        const bytes = mutate(original, ms);
        recordFuzz.cases++;
        let problem: ReturnType<typeof canonicalProblem>;
        try {
          problem = canonicalProblem(bytes);
        } catch (error) {
          recordFuzz.crashesOrHangs++;
          throw error;
        }
        // Independent: what @ipld/dag-json makes of the bytes.
        let reencoded: Buffer | null;
        try {
          reencoded = Buffer.from(dagJson.encode(dagJson.decode(bytes)));
        } catch {
          reencoded = null;
        }
        const independentCanonical = reencoded !== null && reencoded.equals(bytes);
        if (problem === null) {
          note(recordFuzz, 'mutated lines still canonical DAG-JSON');
          // The validator checks form, not whether a link's text is a CID (src/dag-json/validate.ts): that is
          // the reader's check, so a canonical line @ipld/dag-json refuses must be refused once links are read.
          let linksRead = true;
          try {
            decodeDagJson(bytes, { links: true });
          } catch {
            linksRead = false;
          }
          if (!independentCanonical && linksRead) recordFuzz.falseAccepts++;
          expect(independentCanonical || !linksRead, `${bytes.toString()} called canonical, links read`).toBe(true);
          if (!independentCanonical) note(recordFuzz, 'canonical text whose link is not a CID (refused when links are read)');
          else if (!linksRead) note(recordFuzz, 'links @ipld/dag-json reads but the store does not allow (not CIDv1 sha2-256)');
          // Compared as bytes: @ipld/dag-json's encode may return a Buffer view of a pooled allocation, which
          // toEqual does not compare with a Uint8Array by content alone.
          else expect(Buffer.from(dagJson.encode(decodeDagJson(bytes, { links: true }) as never)).equals(bytes), bytes.toString()).toBe(true);
        } else {
          expect(isCanonicalDagJson(bytes)).toBe(false);
          expect(problem.at).toBeGreaterThanOrEqual(-1);
          if (independentCanonical) note(recordFuzz, 'lines @ipld/dag-json accepts that the validator rejects');
        }
        // decodeDagJson throws only a SyntaxError (not JSON) or an Error naming a bad link; never anything else.
        try {
          decodeDagJson(bytes, { links: true });
        } catch (error) {
          // a link's text that is not a CID: CID.parse's errors (packages/cid-exporter/src/cid.ts)
          const documented = error instanceof SyntaxError || (error instanceof Error && /^(CID|base32|varint)\b/.test(error.message));
          if (!documented) recordFuzz.crashesOrHangs++;
          expect(documented, `decodeDagJson threw ${String(error)}`).toBe(true);
        }
      }),
      params(RUNS.fuzzRecords),
    );
  }, 600_000);
});
