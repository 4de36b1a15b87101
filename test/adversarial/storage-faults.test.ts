/**
 * Family 2, storage faults: the BUILT exporter in a child process under the fault-injecting fs preload
 * (packages/cid-exporter/test/fixtures/fs-faults.cjs) meets a full disk (ENOSPC), an I/O error on write or
 * on fsync (EIO) or a read-only file system (EROFS), starting at a random write/fsync index. Meanwhile the
 * app opens and writes its own file. Afterwards: the app's file holds exactly what the app wrote, every
 * span forwarded with a record CID has that record in the store, and verify passes (the records that could
 * not be stored are counted by a `dropped` record, the gap named).
 */
import * as fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { readStore, testTempDir } from '../harness/index.js';
import { startFaultChild, storedRecordCids, type Exported } from '../../packages/cid-exporter/test/fault-child-runner.js';
import { note, tally } from './tally.js';
import { RUNS, SEED, seeded } from './runs.js';

const summary = tally('storage faults');
const random = seeded(SEED + 1);
const FAULTS = ['ENOSPC', 'EIO', 'EIO-write', 'EROFS'] as const;

describe(`storage faults at random operations (${RUNS.faults} runs, seed ${SEED})`, () => {
  it('leave the app file as the app wrote it, keep every record a forwarded span claims, and verify', async () => {
    for (let i = 0; i < RUNS.faults; i++) {
      const fault = FAULTS[i % FAULTS.length]!;
      const after = random(2) === 0 ? random(3) : random(12);
      const label = `run ${i} (seed ${SEED}): ${fault} after ${after} operations`;
      const root = testTempDir('adv-faults-');
      const dir = path.join(root, 'store');
      const appFile = path.join(root, 'app-output.txt');
      const child = startFaultChild(dir);
      const exports: Exported[] = [];
      const appLines: string[] = [];
      const appWrite = async (text: string) => {
        appLines.push(text);
        await child.send(`app-write ${text}`);
      };

      exports.push(await child.send<Exported>(`export ${1 + random(5)}`));
      await child.send(`fault ${fault} ${after}`);
      exports.push(await child.send<Exported>(`export ${1 + random(8)}`));
      // The app opens its file while the store may have just closed a descriptor: it must get only its own bytes.
      await child.send(`app-open ${appFile}`);
      await appWrite(`app line 1 of run ${i}`);
      exports.push(await child.send<Exported>(`export ${1 + random(8)}`));
      await appWrite('app line 2');
      await child.send('fault off');
      exports.push(await child.send<Exported>(`export ${1 + random(5)}`));
      await appWrite('app line 3');
      await child.send('shutdown');
      expect(await child.exited, label).toBe(0);
      summary.cases++;

      const appBytes = fs.readFileSync(appFile, 'utf8');
      if (appBytes !== appLines.map((l) => l + '\n').join('')) summary.appVisibleChanges++;
      expect(appBytes, label).toBe(appLines.map((l) => l + '\n').join(''));

      const stored = await storedRecordCids(dir);
      const claimed = exports.flatMap((e) => e.forwarded).filter((cid): cid is string => cid !== null);
      const lost = claimed.filter((cid) => !stored.has(cid));
      summary.lostAcknowledged += lost.length;
      note(summary, 'acknowledged records checked', claimed.length);
      expect(lost, label).toEqual([]);

      const failedBatches = exports.filter((e) => e.code !== 0).length;
      const notStored = exports.flatMap((e) => e.forwarded).filter((cid) => cid === null).length;
      if (failedBatches > 0) note(summary, 'runs where the fault hit');
      note(summary, 'spans not stored (counted by a dropped record)', notStored);
      const { logs } = await readStore(dir);
      const dropped = logs.flatMap((log) => log.records).filter((r) => r.type === 'dropped' && r.reason === 'store unavailable');
      expect(
        dropped.reduce((sum, r) => sum + Number(r.count), 0),
        label,
      ).toBe(notStored);

      const report = verifyStore(dir);
      if (!report.ok) note(summary, 'stores failing verify');
      expect(report.failures, label).toEqual([]);
      if (notStored > 0)
        expect(
          report.notes.some((n) => /dropped/.test(n.detail)),
          label,
        ).toBe(true);
      // One stderr line per change of state, never one per failed batch.
      expect(child.stderr().split('\n').filter(Boolean).length, label).toBeLessThanOrEqual(2);
    }
  }, 600_000);
});
