/**
 * Property test: any single corrupted byte, anywhere in a store's files or in a CAR export, makes
 * verify fail (never pass, never throw), and a CAR cut short at any length fails too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportCar, verifyCar, verifyStore } from '@llm-provenance/cid-exporter';
import { tmpDir, writeSpans } from './verify-fixture.js';

let store: string;
let files: string[];
let car: Buffer;
let scratch: string;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

beforeAll(async () => {
  store = path.join(tmpDir('corrupt'), 'store');
  await writeSpans(store, 0, 60, { checkpointEvery: 1000 });
  // every file verify reads: log, pack, checkpoints (the key file is the trust anchor, not evidence)
  files = walk(store)
    .filter((f) => !f.endsWith('.pem'))
    .map((f) => path.relative(store, f))
    .sort();
  scratch = tmpDir('corrupt-runs');
  const carFile = path.join(scratch, 'base.car');
  exportCar(store, carFile);
  car = fs.readFileSync(carFile);
}, 120_000);

describe('verify under random corruption', () => {
  it('fails for any flipped byte in any store file', () => {
    expect(files.map((f) => f.split('/')[0])).toEqual(['blocks', 'checkpoints', 'logs']);
    let run = 0;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, at, xor) => {
        const dir = path.join(scratch, `s${run++}`);
        fs.cpSync(store, dir, { recursive: true });
        const file = path.join(dir, files[which % files.length]!);
        const bytes = fs.readFileSync(file);
        bytes[at % bytes.length] ^= xor;
        fs.writeFileSync(file, bytes);
        const report = verifyStore(dir);
        expect(report.ok, `${file} byte ${at % bytes.length} ^ ${xor}`).toBe(false);
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 150 },
    );
  });

  it('fails for any flipped byte in a CAR export', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const bytes = Buffer.from(car);
        bytes[at % bytes.length] ^= xor;
        const file = path.join(scratch, `c${run++}.car`);
        fs.writeFileSync(file, bytes);
        expect(verifyCar(file).ok, `byte ${at % bytes.length} ^ ${xor}`).toBe(false);
        fs.rmSync(file);
      }),
      { numRuns: 300 },
    );
  });

  it("fails when any byte of the header's root CID is changed (links are looked up by the whole digest)", () => {
    // The header is not hashed by anything, so only the lookup of its root can notice an edit there.
    const rootDigestAt = car.indexOf(Buffer.from([0x01, 0xa9, 0x02, 0x12, 0x20])) + 5;
    expect(rootDigestAt).toBeGreaterThan(5);
    expect(rootDigestAt + 32).toBeLessThan(60);
    for (let at = rootDigestAt; at < rootDigestAt + 32; at++) {
      const bytes = Buffer.from(car);
      bytes[at] ^= 0x01;
      const file = path.join(scratch, `root${at}.car`);
      fs.writeFileSync(file, bytes);
      const report = verifyCar(file);
      expect(report.ok, `root digest byte ${at - rootDigestAt}`).toBe(false);
      expect(report.failures[0]?.kind).toBe('missing root');
      fs.rmSync(file);
    }
  });

  it('fails for a CAR cut at any length', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: car.length - 1 }), (len) => {
        const file = path.join(scratch, `t${run++}.car`);
        fs.writeFileSync(file, car.subarray(0, len));
        expect(verifyCar(file).ok, `cut at ${len}`).toBe(false);
        fs.rmSync(file);
      }),
      { numRuns: 200 },
    );
  });
});
