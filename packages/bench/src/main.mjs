#!/usr/bin/env node
// `pnpm bench`: runs every section side by side in one run on this machine and writes BENCHMARKS.md at the
// repository root (BENCH_OUTPUT to write elsewhere). Sections (BENCH_SECTIONS, comma-separated, default all):
//   per-call  added CPU per call against the peer instrumentations   (per-call/run.mjs)
//   store     cid-exporter's own exporter / reader benchmarks, verbatim (store/throughput.mjs)
//   burst     peak RSS under a burst of calls, store readers on its store (burst/run.mjs)
//   startup   start-up time and memory of the register entries       (startup/run.mjs)
//   http      HTTP-level tracing: non-inference fetch cost, a 100 MB stream (http/run.mjs)
//   s3        a 1 GiB multipart Upload with S3 content CIDs on and off    (s3/run.mjs)
//   scale     verify/query/report/consistency over 1M records, logs vs index (scale/run.mjs)
// Every child process gets TMPDIR set to one scratch directory, checked empty and removed at the end: a
// run leaves nothing in the system's temp folder, and a leak fails the run naming what was left.
// Needs the workspace built (`pnpm build`; the root `pnpm bench` script builds first).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBurst } from './burst/run.mjs';
import { runHttp } from './http/run.mjs';
import { intFromEnv } from './env.mjs';
import { describeMachine } from './machine.mjs';
import { runPerCall } from './per-call/run.mjs';
import { runS3 } from './s3/run.mjs';
import { runScale } from './scale/run.mjs';
import { renderReport } from './report.mjs';
import { runStartup } from './startup/run.mjs';
import { runStoreBenches } from './store/throughput.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ALL_SECTIONS = ['per-call', 'store', 'burst', 'startup', 'http', 's3', 'scale'];
const sections = (process.env.BENCH_SECTIONS ?? ALL_SECTIONS.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = sections.filter((s) => !ALL_SECTIONS.includes(s));
if (unknown.length > 0) throw new Error(`BENCH_SECTIONS: unknown section(s) ${unknown.join(', ')} (known: ${ALL_SECTIONS.join(', ')})`);
// A relative BENCH_OUTPUT is taken from where `pnpm ...` was typed (pnpm's INIT_CWD), not from this package.
const output = path.resolve(process.env.INIT_CWD ?? process.cwd(), process.env.BENCH_OUTPUT ?? path.join(REPO_ROOT, 'BENCHMARKS.md'));

const settings = {
  rounds: intFromEnv('BENCH_ROUNDS', 5),
  blockCalls: intFromEnv('BENCH_BLOCK_CALLS', 200),
  warmupPairs: intFromEnv('BENCH_WARMUP_PAIRS', 40),
  pairs: intFromEnv('BENCH_PAIRS', 20),
  configurations: process.env.BENCH_CONFIGURATIONS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  burstCalls: intFromEnv('BENCH_BURST_CALLS', 20_000),
  burstConcurrency: intFromEnv('BENCH_BURST_CONCURRENCY', 500),
  burstLatencyMs: intFromEnv('BENCH_BURST_LATENCY_MS', 5),
  burstRounds: intFromEnv('BENCH_BURST_ROUNDS', 5),
  readerRepeats: intFromEnv('BENCH_READER_REPEATS', 3),
  startupRuns: intFromEnv('BENCH_STARTUP_RUNS', 15),
  startupUsageRuns: intFromEnv('BENCH_STARTUP_USAGE_RUNS', 5),
  httpCalls: intFromEnv('BENCH_HTTP_CALLS', 500),
  httpRounds: intFromEnv('BENCH_HTTP_ROUNDS', 10),
  httpStreamRounds: intFromEnv('BENCH_HTTP_STREAM_ROUNDS', 3),
  s3Bytes: intFromEnv('BENCH_S3_BYTES', 2 ** 30),
  s3Rounds: intFromEnv('BENCH_S3_ROUNDS', 2),
};

const log = (line) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Children see only the bench's own knobs: no OTEL_* / LLM_PROVENANCE_* / NODE_OPTIONS from the caller's shell. */
function childEnvironment(scratch) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('OTEL_') || key.startsWith('LLM_PROVENANCE_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return {
    ...env,
    TMPDIR: scratch,
    BENCH_BLOCK_CALLS: String(settings.blockCalls),
    BENCH_WARMUP_PAIRS: String(settings.warmupPairs),
    BENCH_PAIRS: String(settings.pairs),
    BENCH_BURST_CALLS: String(settings.burstCalls),
    BENCH_BURST_CONCURRENCY: String(settings.burstConcurrency),
    BENCH_BURST_LATENCY_MS: String(settings.burstLatencyMs),
    BENCH_READER_REPEATS: String(settings.readerRepeats),
  };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-'));
const env = childEnvironment(scratch);
const started = Date.now();
const machine = describeMachine();
log(
  `${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}, load average ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}; sections: ${sections.join(', ')}`,
);
const results = {};
let failure;
let leftovers;
try {
  if (sections.includes('per-call')) results.perCall = await runPerCall({ rounds: settings.rounds, ids: settings.configurations, env, log });
  if (sections.includes('store')) results.storeBenches = await runStoreBenches({ env, log });
  if (sections.includes('burst')) results.burst = await runBurst({ scratch, env, rounds: settings.burstRounds, log });
  if (sections.includes('http'))
    results.http = await runHttp({ env, calls: settings.httpCalls, rounds: settings.httpRounds, streamRounds: settings.httpStreamRounds, log });
  if (sections.includes('s3')) results.s3 = await runS3({ env, bytes: settings.s3Bytes, rounds: settings.s3Rounds, log });
  if (sections.includes('scale')) results.scale = await runScale({ scratch, env, log });
  if (sections.includes('startup')) results.startup = await runStartup({ scratch, env, runs: settings.startupRuns, usageRuns: settings.startupUsageRuns, log });
} catch (error) {
  failure = error;
} finally {
  leftovers = fs.readdirSync(scratch);
  fs.rmSync(scratch, { recursive: true, force: true });
}
if (failure) {
  log(`FAILED: ${failure.stack ?? failure}`);
  log(`${output} was not written`);
  process.exit(1);
}
if (leftovers.length > 0) {
  log(`FAILED: the run left files in its temp folder: ${leftovers.join(', ')}; ${output} was not written`);
  process.exit(1);
}
const finished = { loadAverage: os.loadavg(), minutes: (Date.now() - started) / 60_000 };
fs.writeFileSync(output, renderReport({ machine, finished, settings, sections, results }));
log(`wrote ${output} in ${finished.minutes.toFixed(1)} minutes`);
