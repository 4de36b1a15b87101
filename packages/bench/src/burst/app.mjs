// The burst app: BENCH_BURST_CALLS chat completions (default 20,000) through the real openai SDK, at most
// BENCH_BURST_CONCURRENCY (default 500) in flight, each answered in memory after BENCH_BURST_LATENCY_MS
// (default 5, a timer, so many calls are really in flight at once). The runner starts it as is and under
// `--import @llm-provenance/auto-instrumentations/register`; it sets globalThis.benchUsageExtra, which
// usage-at-exit.mjs adds to what it writes at exit.
import OpenAI from 'openai';
import { intFromEnv } from '../env.mjs';
import { chatRequest, clientOptions, inMemoryFetch } from '../per-call/transport.mjs';

const CALLS = intFromEnv('BENCH_BURST_CALLS', 20_000);
const CONCURRENCY = intFromEnv('BENCH_BURST_CONCURRENCY', 500);
const LATENCY_MS = intFromEnv('BENCH_BURST_LATENCY_MS', 5);

const client = new OpenAI(clientOptions(inMemoryFetch({ stream: false, latencyMillis: LATENCY_MS })));
let issued = 0;
let completed = 0;

async function caller() {
  while (issued < CALLS) {
    issued++;
    const completion = await client.chat.completions.create(chatRequest({ stream: false }));
    if (completion.choices.length !== 1) throw new Error('unexpected completion');
    completed++;
  }
}

const started = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: CONCURRENCY }, caller));
const cpu = process.cpuUsage(cpu0);
globalThis.benchUsageExtra = { calls: completed, burstWallMs: Number(process.hrtime.bigint() - started) / 1e6, burstCpuMicros: cpu.user + cpu.system };
