// S3 section: what content addressing costs a large upload. A lib-storage Upload of a generated stream
// (BENCH_S3_BYTES, default 1 GiB) through the real AWS SDK v3 to a loopback sink (sink.cjs, its own
// process), with instrumentation-aws-s3 on and off: each measurement in a fresh worker pinned to one CPU,
// BENCH_S3_ROUNDS rounds of (off, on) pairs in alternating order, medians.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultOf, runNode } from '../child.mjs';
import { median } from '../stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(here, 'worker.mjs');

function startSink(env) {
  const sink = spawn(process.execPath, [path.join(here, 'sink.cjs')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    sink.once('error', reject);
    sink.stdout.once('data', (data) => resolve({ sink, endpoint: `http://127.0.0.1:${Number(String(data).trim())}` }));
  });
}

export async function runS3({ env, bytes, rounds, log }) {
  const { sink, endpoint } = await startSink(env);
  try {
    log(`s3: ${rounds} x a ${(bytes / 2 ** 20).toFixed(0)} MiB multipart Upload, instrumentation off and on`);
    const runs = { on: [], off: [] };
    for (let i = 0; i < rounds; i++) {
      for (const mode of i % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
        const result = resultOf(`s3 worker (${mode})`, await runNode(['--expose-gc', WORKER, endpoint, String(bytes), mode], { env, pin: true }));
        if (result.spans !== result.expectedSpans) throw new Error(`s3 worker (${mode}) exported ${result.spans} spans, expected ${result.expectedSpans}`);
        runs[mode].push(result);
      }
    }
    const summary = (list) => ({
      cpuMs: median(list.map((r) => r.cpuMicros)) / 1000,
      growthMB: median(list.map((r) => r.growthBytes)) / 2 ** 20,
      spans: list.map((r) => r.spans),
    });
    const on = summary(runs.on);
    const off = summary(runs.off);
    return { bytes, parts: runs.on[0].parts, rounds, on, off, addedCpuMsPerGiB: ((on.cpuMs - off.cpuMs) * 2 ** 30) / bytes };
  } finally {
    sink.kill();
  }
}
