/**
 * Family 1, kill -9: a process that writes the store is killed without warning at a random point, then the
 * next writer opens the store (recovering the dead writer's log) and verify runs. Every record the dead
 * process acknowledged is still there with the CID it was given, verify passes, and the records no signed
 * checkpoint covers are pinned by an `unverified` record (a torn tail by a `cut` record), never silently
 * dropped. Two kinds of process: the exporter child (packages/cid-exporter/test/fixtures/export-child.cjs,
 * acknowledging after each export's callback reported SUCCESS) and a real OpenAI app under the register hook
 * (--require or --import; a span reaches the OTLP receiver only after its record is durable, so what the
 * receiver got is what was acknowledged).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProvenanceStore, verifyStore } from '@llm-provenance/cid-exporter';
import { readStore, runApp, testTempDir } from '../harness/index.js';
import { EXPORT_CHILD, runExportChild } from '../../packages/cid-exporter/test/export-child-runner.js';
import { note, tally } from './tally.js';
import { RUNS, SEED, seeded } from './runs.js';

const summary = tally('kill -9');
const random = seeded(SEED);

/** Opens the store (recovering `killedLog`), verifies it, and counts what the dead writer's acknowledged records became. */
async function recoverAndCheck(dir: string, killedLog: string, acked: string[], label: string) {
  const store = ProvenanceStore.open({ dir, checkpointIntervalMs: 0 });
  const recoverer = store.logId;
  await store.close();
  summary.cases++;
  const { logs } = await readStore(dir);
  const killed = logs.find((log) => log.logId === killedLog)!;
  const lost = acked.filter((cid) => !killed.cids.includes(cid));
  summary.lostAcknowledged += lost.length;
  note(summary, 'acknowledged records checked', acked.length);
  const report = verifyStore(dir);
  if (!report.ok) note(summary, 'stores failing verify after recovery');
  expect(lost, `${label}: acknowledged records missing`).toEqual([]);
  expect(report.failures, label).toEqual([]);

  const own = logs.find((log) => log.logId === recoverer)!.records;
  const signed = report.logs.find((log) => log.log === killedLog)!.signedSize;
  const unverified = own.filter((r) => r.type === 'unverified');
  const cuts = own.filter((r) => r.type === 'cut').length;
  note(summary, 'torn tails cut and recorded', cuts);
  expect(
    own.filter((r) => r.type === 'damage'),
    label,
  ).toEqual([]);
  if (killed.records.length > signed) {
    // The unsigned tail is pinned, record for record, and verify says so.
    expect(unverified, label).toEqual([expect.objectContaining({ target: killedLog, from: signed, size: killed.records.length, last: killed.cids.at(-1) })]);
    expect(report.notes.filter((n) => n.detail.startsWith('recorded unverified tail')).map((n) => n.log)).toEqual([recoverer]);
    note(summary, 'unsigned tails recorded as unverified');
    note(summary, 'unsigned records pinned', killed.records.length - signed);
  } else {
    expect(unverified, label).toEqual([]);
  }
  return cuts;
}

/** The id of the one log a killed writer left; it may end in a torn line (readStore refuses those), so it comes from the file name. */
function onlyLogId(storeDir: string): string {
  return readdirSync(path.join(storeDir, 'logs'))
    .find((name) => name.endsWith('.jsonl'))!
    .slice(0, -'.jsonl'.length);
}

/** The fault-injecting fs preload; FS_FAULTS_KILL_AT_WRITE makes it tear one write and SIGKILL the process. */
const FS_FAULTS = path.join(path.dirname(EXPORT_CHILD), 'fs-faults.cjs');

describe(`kill -9 at random points (${RUNS.kill9} runs, seed ${SEED})`, () => {
  // Two in three runs kill the exporter child (cheap, any batch size), one in three a real app.
  const appRuns = Math.max(2, Math.floor(RUNS.kill9 / 3));
  const childRuns = RUNS.kill9 - appRuns;

  it(`the exporter child: ${childRuns} kills, every acknowledged record kept, the unsigned tail recorded`, async () => {
    for (let i = 0; i < childRuns; i++) {
      const dir = path.join(testTempDir('adv-kill9-'), 'store');
      const perBatch = [1, 5, 25, 100][random(4)]!;
      const killAfter = 1 + random(300);
      const delay = random(20);
      const label = `run ${i} (seed ${SEED}): batches of ${perBatch}, kill ${delay} ms after ${killAfter} acks`;
      const run = await runExportChild(dir, ['0', String(perBatch)], killAfter, () => delay);
      expect(run.signal, label).toBe('SIGKILL');
      await recoverAndCheck(
        dir,
        run.acked[0]!.log,
        run.acked.map((a) => a.cid),
        label,
      );
    }
  }, 600_000);

  // A kill timed from outside rarely lands inside a write; these land there by construction: the preload
  // writes part of the n-th write to a store file (its pack, its log, a checkpoint or lock) and then the
  // process sends itself SIGKILL.
  const tornRuns = Math.max(3, Math.floor(RUNS.kill9 / 3));
  it(`the exporter child killed inside a write: ${tornRuns} kills, the torn tail cut and recorded`, async () => {
    let cut = 0;
    for (let i = 0; i < tornRuns; i++) {
      const dir = path.join(testTempDir('adv-kill9-torn-'), 'store');
      const perBatch = [1, 5, 25][random(3)]!;
      const atWrite = 3 + random(60);
      const fraction = (1 + random(9)) / 10;
      const label = `torn run ${i} (seed ${SEED}): batches of ${perBatch}, write ${atWrite} cut at ${fraction}`;
      const run = await runExportChild(dir, ['0', String(perBatch)], undefined, undefined, {
        execArgv: ['--require', FS_FAULTS],
        env: { ...process.env, FS_FAULTS_DIR: dir, FS_FAULTS_KILL_AT_WRITE: String(atWrite), FS_FAULTS_KILL_FRACTION: String(fraction) },
        killsItself: true,
      });
      expect(run.signal, `${label}: ${run.stderr}`).toBe('SIGKILL');
      expect(run.stderr, label).toMatch(/^fs-faults: torn \S+ \d+\/\d+\n$/);
      const killedLog = onlyLogId(dir);
      note(summary, `torn writes under ${run.stderr.split(' ')[2]!.split('/')[0]}`);
      cut += await recoverAndCheck(
        dir,
        killedLog,
        run.acked.map((a) => a.cid),
        label,
      );
    }
    // Tearing the pack or the log leaves a partial line or section at least sometimes: recovery cut it.
    expect(cut).toBeGreaterThan(0);
  }, 600_000);

  it(`a real OpenAI app under the register hook: ${appRuns} kills, every exported span's record kept`, async () => {
    for (let i = 0; i < appRuns; i++) {
      const calls = 1 + random(40);
      const module = i % 2 === 0 ? 'cjs' : 'esm';
      const label = `app run ${i} (seed ${SEED}, ${module}): SIGKILL after call ${calls}`;
      const run = await runApp({
        module,
        app: 'fixtures/openai-calls-until-signal.cjs',
        env: { OTEL_BSP_SCHEDULE_DELAY: String(random(50)) },
        signal: { send: 'SIGKILL', whenStdout: `CALLED ${calls}\n` },
      });
      expect(run.signal, label).toBe('SIGKILL');
      const acked = run.spans.map((span) => String(span.attributes['provenance.record.cid']));
      const killedLog = onlyLogId(run.storeDir!);
      await recoverAndCheck(run.storeDir!, killedLog, acked, label);
    }
  }, 600_000);
});
