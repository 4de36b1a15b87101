// Start-up time and memory of an empty program (`node -e 0`) alone and under each register entry:
// llm-provenance's (store on, in a scratch dir) by --require and --import, and
// @opentelemetry/auto-instrumentations-node's by --require (its documented entry) and with its ES module
// loader hook (--experimental-loader=@opentelemetry/instrumentation/hook.mjs, its documented ESM setup).
// Wall time: BENCH_STARTUP_RUNS runs of each (default 15), the cases interleaved run by run, median.
// Peak RSS and CPU: BENCH_STARTUP_USAGE_RUNS further runs (default 5) with usage-at-exit.mjs preloaded
// last, median. Nothing is exported anywhere: OTEL_{TRACES,METRICS,LOGS}_EXPORTER=none for every case
// (with its defaults the OTel register sends metrics to an OTLP collector on localhost:4318 at exit and
// retries for seconds when none listens), and its resource detectors are limited to the local ones
// (the cloud detectors query metadata services over the network).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '../child.mjs';
import { median } from '../stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BENCH_PACKAGE = path.resolve(here, '../..');
const USAGE_AT_EXIT = path.join(here, '../usage-at-exit.mjs');

export const STARTUP_CASES = [
  { id: 'node', label: '`node -e 0`', flags: [] },
  {
    id: 'llmp-require',
    label: '`--require @llm-provenance/auto-instrumentations/register`',
    flags: ['--require', '@llm-provenance/auto-instrumentations/register'],
  },
  {
    id: 'llmp-import',
    label: '`--import @llm-provenance/auto-instrumentations/register`',
    flags: ['--import', '@llm-provenance/auto-instrumentations/register'],
  },
  {
    id: 'otel-require',
    label: '`--require @opentelemetry/auto-instrumentations-node/register`',
    flags: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
  },
  {
    id: 'otel-esm',
    label: '`--experimental-loader=@opentelemetry/instrumentation/hook.mjs --require @opentelemetry/auto-instrumentations-node/register`',
    flags: ['--experimental-loader=@opentelemetry/instrumentation/hook.mjs', '--require', '@opentelemetry/auto-instrumentations-node/register'],
  },
];

export async function runStartup({ scratch, env, runs, usageRuns, log }) {
  const storeDir = fs.mkdtempSync(path.join(scratch, 'startup-store-'));
  const caseEnv = {
    ...env,
    LLM_PROVENANCE_DIR: storeDir,
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance',
    // --experimental-loader prints an ExperimentalWarning; any other stderr output fails the run.
    NODE_NO_WARNINGS: '1',
  };
  const wall = new Map(STARTUP_CASES.map((c) => [c.id, []]));
  const usage = new Map(STARTUP_CASES.map((c) => [c.id, []]));
  try {
    const runOnce = async (startupCase, preload) => {
      const usageFile = path.join(scratch, `startup-usage-${startupCase.id}.json`);
      const args = [...startupCase.flags, ...(preload ? ['--import', USAGE_AT_EXIT] : []), '-e', '0'];
      const run = await runNode(args, { cwd: BENCH_PACKAGE, env: { ...caseEnv, BENCH_USAGE_FILE: usageFile } });
      if (run.code !== 0 || run.stderr.trim() !== '')
        throw new Error(`start-up case ${startupCase.id} failed (exit ${run.code ?? run.signal}):\n${run.stderr.trim()}`);
      if (!preload) return run.wallMs;
      const measured = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
      fs.rmSync(usageFile);
      return measured;
    };
    for (const c of STARTUP_CASES) await runOnce(c, false); // warm the file system cache
    for (let i = 0; i < runs; i++) for (const c of i % 2 ? [...STARTUP_CASES].reverse() : STARTUP_CASES) wall.get(c.id).push(await runOnce(c, false));
    for (let i = 0; i < usageRuns; i++) for (const c of STARTUP_CASES) usage.get(c.id).push(await runOnce(c, true));
    const storeLogs = fs.readdirSync(path.join(storeDir, 'logs')).filter((n) => n.endsWith('.jsonl')).length;
    const rows = STARTUP_CASES.map((c) => ({
      id: c.id,
      label: c.label,
      wallMs: median(wall.get(c.id)),
      peakRssMB: (median(usage.get(c.id).map((u) => u.maxRssKiB)) * 1024) / 1e6,
      cpuMs: median(usage.get(c.id).map((u) => u.cpuMicros)) / 1000,
    }));
    for (const row of rows)
      log(`start-up ${row.id}: ${row.wallMs.toFixed(0)} ms wall, ${row.cpuMs.toFixed(0)} ms CPU, peak RSS ${row.peakRssMB.toFixed(0)} MB`);
    return { runs, usageRuns, rows, storeLogs };
  } finally {
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}
