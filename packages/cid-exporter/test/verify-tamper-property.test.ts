/**
 * Property test: whatever single record-level tampering is applied where, verify's first failure has
 * the kind, line and seq the tampering implies. Runs against a real store (CidSpanExporter).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { lines, tmpDir, writeLines, writeSpans } from './verify-fixture.js';

const N = 40;
let base: string;
let logId: string;
let original: Buffer[];
let alien: Buffer[];
let scratch: string;

beforeAll(async () => {
  base = path.join(tmpDir('tamper-prop'), 'store');
  logId = await writeSpans(base, 0, N, { checkpointEvery: 1000 });
  original = lines(base, logId);
  const other = path.join(tmpDir('tamper-prop-other'), 'store');
  const otherId = await writeSpans(other, 0, 5, { salt: '-x' });
  alien = lines(other, otherId);
  scratch = tmpDir('tamper-prop-runs');
}, 120_000);

type Op =
  | { op: 'delete'; i: number }
  | { op: 'swap'; i: number }
  | { op: 'duplicate'; i: number; j: number }
  | { op: 'modify'; i: number }
  | { op: 'move'; i: number; j: number }
  | { op: 'foreign'; k: number; j: number };

const idx = fc.integer({ min: 0, max: N - 1 });
const ops: fc.Arbitrary<Op> = fc.oneof(
  idx.map((i) => ({ op: 'delete' as const, i })),
  fc.integer({ min: 0, max: N - 2 }).map((i) => ({ op: 'swap' as const, i })),
  fc
    .tuple(idx, fc.integer({ min: 0, max: N }))
    .filter(([i, j]) => j !== i && j !== i + 1)
    .map(([i, j]) => ({ op: 'duplicate' as const, i, j })),
  idx.map((i) => ({ op: 'modify' as const, i })),
  fc
    .tuple(idx, fc.integer({ min: 0, max: N - 1 }))
    .filter(([i, j]) => i !== j)
    .map(([i, j]) => ({ op: 'move' as const, i, j })),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: N })).map(([k, j]) => ({ op: 'foreign' as const, k, j })),
);

/** Applies `op` and returns what verify must name first. */
function apply(op: Op, ls: Buffer[]): { kind: string; line: number; seq: number } {
  switch (op.op) {
    case 'delete':
      ls.splice(op.i, 1);
      return op.i === N - 1 ? { kind: 'truncated since checkpoint', line: N, seq: N - 1 } : { kind: 'deleted', line: op.i + 1, seq: op.i };
    case 'swap':
      [ls[op.i], ls[op.i + 1]] = [ls[op.i + 1]!, ls[op.i]!];
      return { kind: 'reordered', line: op.i + 1, seq: op.i + 1 };
    case 'duplicate':
      ls.splice(op.j, 0, ls[op.i]!);
      return { kind: 'inserted', line: op.j + 1, seq: op.i };
    case 'modify':
      ls[op.i] = Buffer.from(ls[op.i]!.toString().replace(/"enduser\.id":"user-\d"/, '"enduser.id":"mallory"'));
      return { kind: 'modified', line: op.i + 1, seq: op.i };
    case 'move': {
      const [rec] = ls.splice(op.i, 1);
      ls.splice(op.j, 0, rec!);
      return op.j > op.i ? { kind: 'reordered', line: op.i + 1, seq: op.i + 1 } : { kind: 'reordered', line: op.j + 1, seq: op.i };
    }
    case 'foreign':
      ls.splice(op.j, 0, alien[op.k]!);
      return { kind: 'foreign record spliced in', line: op.j + 1, seq: op.k };
  }
}

describe('verify under arbitrary single tampering', () => {
  it('names the kind, line and seq of the break', () => {
    let run = 0;
    fc.assert(
      fc.property(ops, (op) => {
        const dir = path.join(scratch, String(run++));
        fs.cpSync(base, dir, { recursive: true });
        const ls = [...original];
        const want = apply(op, ls);
        writeLines(dir, logId, ls);
        const report = verifyStore(dir);
        expect(report.ok).toBe(false);
        expect(report.failures[0]).toMatchObject({ ...want, file: `logs/${logId}.jsonl` });
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 300 },
    );
  });
});
