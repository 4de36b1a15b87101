// Writes the scale section's store: BENCH_SCALE_RECORDS GenAI span records (default 1,000,000) through
// the store's own writer (CidSpanExporter.exportAsync, batches of 2,000, durability 'batch'), from
// BENCH_SCALE_LOGS exporters writing into one store directory as that many processes would (one log
// each), batches taking turns between them.
//   node generate.mjs <storeDir>
// What the calls look like (all derived from the call number i, so a run is reproducible):
//  - 40 users, 60 tasks, 8 workers, 6 models of 3 providers, chat (streamed with time to first token
//    every third call) and embeddings; 2% errors; usage tokens, cached and reasoning tokens, cost in USD;
//  - prompts drawn from a pool of 20,000: every prompt is asked about 50 times; one prompt in ten is
//    answered two ways (the answer depends on the call's parity), the rest always the same way;
//  - spans start 25 ms apart over the generated stretch of time, in batches that reach the store in
//    time order per log.
// Prints `BENCH_RESULT {"records":..,"logs":..,"bytes":..,"cpuSeconds":..}`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CidSpanExporter } from '@llm-provenance/cid-exporter';
import { intFromEnv } from '../env.mjs';

const [dir] = process.argv.slice(2);
const RECORDS = intFromEnv('BENCH_SCALE_RECORDS', 1_000_000);
const LOGS = intFromEnv('BENCH_SCALE_LOGS', 4);
const BATCH = 2_000;
const PROMPTS = 20_000;
const BASE_S = Math.floor(Date.UTC(2026, 10, 2) / 1000);

const MODELS = [
  ['openai', 'gpt-4o-mini', 0.15e-6, 0.6e-6],
  ['openai', 'gpt-4.1', 2e-6, 8e-6],
  ['anthropic', 'claude-sonnet-4-5', 3e-6, 15e-6],
  ['anthropic', 'claude-haiku-4-5', 1e-6, 5e-6],
  ['gcp.gemini', 'gemini-2.5-flash', 0.3e-6, 2.5e-6],
  ['gcp.gemini', 'gemini-2.5-pro', 1.25e-6, 10e-6],
];
const SYSTEM = JSON.stringify([{ type: 'text', content: 'You are the support assistant of an online shop. Answer briefly, cite the order policy.' }]);

function resource(n) {
  return {
    attributes: {
      'service.name': ['checkout-api', 'support-bot', 'batch-summariser', 'search'][n % 4],
      'service.instance.id': `instance-${n}`,
      'host.name': `host-${n}`,
      'process.pid': 1000 + n,
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
    },
  };
}
const SCOPE = { name: '@llm-provenance/instrumentation-openai', version: '0.1.0' };

function span(i, res) {
  const prompt = (i * 7919) % PROMPTS;
  const [provider, model, inPrice, outPrice] = MODELS[prompt % MODELS.length];
  const embeddings = i % 11 === 0;
  const error = i % 50 === 49;
  const twoWays = prompt % 10 === 0;
  const streamed = !embeddings && i % 3 === 0;
  const id = (i + 1).toString(16).padStart(16, '0');
  const inputTokens = 40 + (prompt % 400);
  const outputTokens = embeddings || error ? 0 : 20 + ((prompt * 13) % 300);
  const cached = prompt % 4 === 0 ? 32 : 0;
  const start = BASE_S + Math.floor(i / 40);
  const startNs = (i % 40) * 25_000_000;
  const durationMs = 200 + ((i * 37) % 2500);
  const attributes = {
    'gen_ai.operation.name': embeddings ? 'embeddings' : 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'gen_ai.request.temperature': prompt % 3 === 0 ? 0 : 0.7,
    'gen_ai.response.model': model,
    'gen_ai.usage.input_tokens': inputTokens,
    'gen_ai.usage.output_tokens': outputTokens,
    'enduser.id': `user-${prompt % 40}`,
    'provenance.task.id': `task-${(i >> 4) % 60}`,
    'provenance.worker.id': `worker-${i % 8}`,
    'gen_ai.system_instructions': SYSTEM,
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: `Question ${prompt}: where is my order ${prompt * 31}? It was due last week.` }] },
    ]),
  };
  if (cached) attributes['gen_ai.usage.cache_read.input_tokens'] = cached;
  if (!error) {
    attributes['gen_ai.usage.cost.amount'] = inputTokens * inPrice + outputTokens * outPrice;
    attributes['gen_ai.usage.cost.currency'] = 'USD';
    if (!embeddings) {
      const variant = twoWays ? i % 2 : 0;
      attributes['gen_ai.output.messages'] = JSON.stringify([
        {
          role: 'assistant',
          parts: [
            { type: 'text', content: `Order ${prompt * 31} ${variant ? 'was delivered on Monday' : 'is on its way and arrives tomorrow'}; see the policy.` },
          ],
          finish_reason: 'stop',
        },
      ]);
    }
  }
  if (streamed && !error) attributes['gen_ai.response.time_to_first_chunk'] = 0.05 + (i % 20) / 100;
  return {
    name: `${embeddings ? 'embeddings' : 'chat'} ${model}`,
    kind: 2,
    spanContext: () => ({ traceId: id.padStart(32, '0'), spanId: id, traceFlags: 1 }),
    parentSpanContext: undefined,
    startTime: [start, startNs],
    endTime: [start + Math.floor((startNs / 1e6 + durationMs) / 1000), ((startNs / 1e6 + durationMs) % 1000) * 1e6],
    status: error ? { code: 2, message: 'rate limited' } : { code: 0 },
    attributes,
    links: [],
    events: [],
    duration: [0, durationMs * 1e6],
    ended: true,
    resource: res,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

const cpu0 = process.cpuUsage();
const exporters = Array.from({ length: LOGS }, () => new CidSpanExporter({ dir, durability: 'batch', checkpointEvery: 100_000, checkpointIntervalMs: 0 }));
const resources = exporters.map((_, n) => resource(n));
for (let from = 0, b = 0; from < RECORDS; from += BATCH, b++) {
  const n = b % LOGS;
  const batch = [];
  for (let i = from; i < Math.min(RECORDS, from + BATCH); i++) batch.push(span(i, resources[n]));
  const r = await exporters[n].exportAsync(batch);
  if (r.code !== 0) throw new Error(`export failed: ${r.error?.message}`);
}
for (const e of exporters) await e.shutdown();
const cpu = process.cpuUsage(cpu0);
let bytes = 0;
for (const sub of ['logs', 'blocks', 'checkpoints'])
  for (const name of fs.readdirSync(path.join(dir, sub))) bytes += fs.statSync(path.join(dir, sub, name)).size;
console.log(`BENCH_RESULT ${JSON.stringify({ records: RECORDS, logs: LOGS, bytes, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}`);
