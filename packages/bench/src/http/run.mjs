// HTTP section: what tracing self-hosted inference servers at the HTTP level (instrumentation-inference-
// servers) costs calls that are not inference calls, and the memory a large streamed answer takes.
// The server runs in a child process of its own (server.cjs); each measurement in a fresh worker pinned to
// one CPU. Streams: BENCH_HTTP_STREAM_ROUNDS rounds of (off, on) pairs, alternating order, median.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultOf, runNode } from '../child.mjs';
import { median } from '../stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(here, 'worker.mjs');
const STREAM_BYTES = 100 * 1024 * 1024;

function startServer(env) {
  const server = spawn(process.execPath, [path.join(here, 'server.cjs')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.stdout.once('data', (data) => resolve({ server, base: `http://127.0.0.1:${Number(String(data).trim())}` }));
  });
}

export async function runHttp({ env, calls, rounds, streamRounds, log }) {
  const { server, base } = await startServer(env);
  try {
    log(`http: fetch to a non-inference URL, ${rounds} alternating rounds of ${calls} calls`);
    const nonInference = resultOf(
      'http non-inference worker',
      await runNode([WORKER, 'non-inference', base, String(calls), String(rounds)], { env, pin: true }),
    );
    log(`http: ${streamRounds} x a 100 MB streamed chat answer, instrumentation off and on`);
    const stream = { on: [], off: [] };
    for (let i = 0; i < streamRounds; i++) {
      for (const mode of i % 2 === 0 ? ['off', 'on'] : ['on', 'off']) {
        stream[mode].push(resultOf(`http stream worker (${mode})`, await runNode([WORKER, 'stream', base, String(STREAM_BYTES), mode], { env, pin: true })));
      }
    }
    const summary = (runs) => ({
      growthMB: median(runs.map((r) => r.growthBytes)) / 2 ** 20,
      cpuMs: median(runs.map((r) => r.cpuMicros)) / 1000,
      spans: runs.map((r) => r.spans),
      bytes: runs[0].bytes,
    });
    return { nonInference, stream: { rounds: streamRounds, on: summary(stream.on), off: summary(stream.off) } };
  } finally {
    server.kill();
  }
}
