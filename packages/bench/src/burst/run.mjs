// Memory under a burst: the burst app uninstrumented and under the register entry with the store on (OTLP
// not configured, OTEL_BSP_MAX_QUEUE_SIZE as large as the burst, so that no span has to be dropped),
// alternating, BENCH_BURST_ROUNDS times each (default 5). Peak RSS of each, how many spans the store holds
// (read back from it) and how many are missing (dropped). Then the store readers
// (verifyStore, exportCar) on the first instrumented run's store, against the sha2-256 bound.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultOf, runNode } from '../child.mjs';
import { median } from '../stats.mjs';
import { countStoreRecords } from '../store-records.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BENCH_PACKAGE = path.resolve(here, '../..');
const APP = path.join(here, 'app.mjs');
const USAGE_AT_EXIT = path.join(here, '../usage-at-exit.mjs');
const READERS = path.join(here, '../store/readers.mjs');
const REGISTER = '@llm-provenance/auto-instrumentations/register';

export async function runBurst({ scratch, env, rounds, log }) {
  // The queue may hold every call of the burst: the figure is what storing all of them costs.
  const storeOnEnv = { ...env, OTEL_BSP_MAX_QUEUE_SIZE: env.BENCH_BURST_CALLS };
  const runs = { uninstrumented: [], storeOn: [] };
  let readers;
  for (let round = 0; round < rounds; round++) {
    const kinds = round % 2 === 0 ? ['uninstrumented', 'storeOn'] : ['storeOn', 'uninstrumented'];
    for (const kind of kinds) {
      const storeDir = fs.mkdtempSync(path.join(scratch, 'burst-store-'));
      const usageFile = path.join(scratch, `burst-usage-${kind}-${round}.json`);
      try {
        const args = kind === 'storeOn' ? ['--import', REGISTER, '--import', USAGE_AT_EXIT, APP] : ['--import', USAGE_AT_EXIT, APP];
        const run = await runNode(args, {
          cwd: BENCH_PACKAGE,
          env: { ...(kind === 'storeOn' ? storeOnEnv : env), BENCH_USAGE_FILE: usageFile, LLM_PROVENANCE_DIR: storeDir },
        });
        if (run.code !== 0) throw new Error(`burst app (${kind}) failed (exit ${run.code ?? run.signal}):\n${run.stderr.trim()}`);
        const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
        const result = { ...usage, wallMs: run.wallMs, stderr: run.stderr.trim() };
        if (kind === 'storeOn') {
          result.storeRecords = countStoreRecords(storeDir);
          result.storedSpans = result.storeRecords.span ?? 0;
          result.missingSpans = usage.calls - result.storedSpans;
          // The queue holds the whole burst: a missing span is a defect, not a drop the settings allow.
          if (result.missingSpans !== 0)
            throw new Error(
              `burst app (storeOn): ${result.missingSpans} of ${usage.calls} spans are missing from the store (OTEL_BSP_MAX_QUEUE_SIZE=${storeOnEnv.OTEL_BSP_MAX_QUEUE_SIZE})`,
            );
          if (!readers) readers = await measureReaders(storeDir, scratch, env, log);
        }
        runs[kind].push(result);
        log(
          `burst round ${round + 1}/${rounds} ${kind}: peak RSS ${((usage.maxRssKiB * 1024) / 1e6).toFixed(0)} MB, ${usage.calls} calls${kind === 'storeOn' ? `, ${result.storedSpans} spans stored` : ''}`,
        );
      } finally {
        fs.rmSync(storeDir, { recursive: true, force: true });
        fs.rmSync(usageFile, { force: true });
      }
    }
  }
  const peakMB = (kind) => (median(runs[kind].map((r) => r.maxRssKiB)) * 1024) / 1e6;
  return {
    calls: runs.storeOn[0].calls,
    maxQueueSize: Number(storeOnEnv.OTEL_BSP_MAX_QUEUE_SIZE),
    rounds,
    uninstrumentedPeakMB: peakMB('uninstrumented'),
    storeOnPeakMB: peakMB('storeOn'),
    uninstrumentedPeaksMB: runs.uninstrumented.map((r) => (r.maxRssKiB * 1024) / 1e6),
    storeOnPeaksMB: runs.storeOn.map((r) => (r.maxRssKiB * 1024) / 1e6),
    uninstrumentedBurstCpuSeconds: median(runs.uninstrumented.map((r) => r.burstCpuMicros)) / 1e6,
    storeOnBurstCpuSeconds: median(runs.storeOn.map((r) => r.burstCpuMicros)) / 1e6,
    uninstrumentedWallSeconds: median(runs.uninstrumented.map((r) => r.wallMs)) / 1e3,
    storeOnWallSeconds: median(runs.storeOn.map((r) => r.wallMs)) / 1e3,
    storedSpans: runs.storeOn.map((r) => r.storedSpans),
    missingSpans: runs.storeOn.map((r) => r.missingSpans),
    storeRecordTypes: runs.storeOn.map((r) => r.storeRecords),
    stderr: [
      ...new Set(
        runs.storeOn
          .concat(runs.uninstrumented)
          .map((r) => r.stderr)
          .filter(Boolean),
      ),
    ],
    readers,
  };
}

/** verifyStore and exportCar over the burst's store, each in its own pinned process, and the bound. */
async function measureReaders(storeDir, scratch, env, log) {
  const carFile = path.join(scratch, 'burst-store.car');
  const out = {};
  for (const operation of ['bound', 'verify', 'export']) {
    out[operation] = resultOf(`store reader ${operation}`, await runNode([READERS, operation, storeDir, carFile], { cwd: BENCH_PACKAGE, env, pin: true }));
    log(
      `readers on the burst's store: ${operation} ${out[operation].mbPerCpuSecond.toFixed(1)} MB per CPU-second, peak RSS ${((out[operation].maxRssKiB * 1024) / 1e6).toFixed(0)} MB`,
    );
  }
  fs.rmSync(carFile, { force: true });
  return out;
}
