#!/usr/bin/env node
// Throughput of the CidSpanExporter's write path on one core, side by side in one run:
//   ours   CidSpanExporter (durability 'batch': blocks, chain, Merkle leaves, one write + fdatasync per
//          batch and file), export counted inside the measured window;
//   naive  the same records and blocks built as objects, encoded with @ipld/dag-json, CIDs from
//          multiformats, the same files, writes and fdatasyncs (bench/naive-writer.mjs);
//   bound  plain sha2-256 with the fastest one-shot digest Node has (crypto.hash, 'latin1' output), over
//          (a) the same number of bytes in 1 KiB chunks and (b) exactly the bytes ours stored, one call
//          per record line and per block;
//   before (optional, BENCH_BEFORE=<path to another build's dist/esm/index.js>) that build's exporter.
// Rates are records per CPU second (user + system, all threads of the process), medians over rounds in
// alternating order, so load from other processes on this machine hits every row alike. Before timing,
// one batch written by ours and by naive under the same log id must be byte-identical (every line, every
// block): the bench checks ours against @ipld/dag-json on the records it measures.
// Env: BENCH_RECORDS (per round, default 10000), BENCH_ROUNDS (default 5), BENCH_BATCH (default 512),
// BENCH_PACKAGE (measure another build as "ours"), BENCH_BEFORE. Pinned to one CPU with taskset when present.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NaiveWriter } from './naive-writer.mjs';

if (!process.env.BENCH_PINNED && fs.existsSync('/usr/bin/taskset')) {
  const r = spawnSync('/usr/bin/taskset', ['-c', '0', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  });
  process.exit(r.status ?? 1);
}

const pkg = process.env.BENCH_PACKAGE ? path.resolve(process.env.BENCH_PACKAGE) : '@llm-provenance/cid-exporter';
const { CidSpanExporter, scanPack } = await import(pkg);
const before = process.env.BENCH_BEFORE ? await import(path.resolve(process.env.BENCH_BEFORE)) : null;

const N = Number(process.env.BENCH_RECORDS ?? 10000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = Number(process.env.BENCH_BATCH ?? 512);

const SYSTEM = JSON.stringify([{ type: 'text', content: 'You are a careful assistant. Answer briefly and cite sources. '.repeat(4) }]);
const TOOLS = JSON.stringify([
  { type: 'function', name: 'search', description: 'Search the web', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
]);

// One resource and one scope object shared by all spans, as a TracerProvider does; the resource is what
// the NodeSDK's default detectors report for a service.
const RESOURCE = {
  attributes: {
    'service.name': 'bench',
    'service.instance.id': '3f1c2b8e-6d0a-4e8b-9a55-7c2d9e41b0aa',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': '2.12.0',
    'host.name': 'bench-host-01',
    'host.arch': 'amd64',
    'host.id': '5b1a9f0d2c3e4f5a6b7c8d9e0f1a2b3c',
    'os.type': 'linux',
    'os.version': '6.8.0-47-generic',
    'process.pid': 12345,
    'process.executable.name': 'node',
    'process.executable.path': '/usr/local/bin/node',
    'process.command_args': ['/usr/local/bin/node', '--import', '@llm-provenance/auto-instrumentations/register', 'app.mjs'],
    'process.runtime.version': '20.20.2',
    'process.runtime.name': 'nodejs',
    'process.runtime.description': 'Node.js',
    'process.command': 'app.mjs',
    'process.owner': 'app',
  },
};
const SCOPE = { name: '@llm-provenance/instrumentation-openai', version: '0.1.0' };

/** Spans [from, to): built per batch outside the timed section, as an app would have them in memory. */
function makeSpans(from, to) {
  const spans = [];
  for (let i = from; i < to; i++) {
    const id = (i + 1).toString(16).padStart(16, '0');
    const context = { traceId: id.padStart(32, 'a'), spanId: id, traceFlags: 1 };
    spans.push({
      name: 'chat gpt-4o-mini',
      kind: 2,
      spanContext: () => context,
      parentSpanContext: { traceId: context.traceId, spanId: 'f'.repeat(16), traceFlags: 1 },
      startTime: [1764172112, i],
      endTime: [1764172113, i * 3],
      status: { code: 0 },
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.7,
        'gen_ai.request.max_tokens': 256,
        'gen_ai.response.id': `chatcmpl-${i}`,
        'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 120 + (i % 50),
        'gen_ai.usage.output_tokens': 40 + (i % 30),
        'server.address': '127.0.0.1',
        'server.port': 8080,
        'gen_ai.system_instructions': SYSTEM,
        'gen_ai.tool.definitions': TOOLS,
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: `Question number ${i}: what is the capital of country ${i % 197}? Please explain.` }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'text', content: `Answer ${i}: the capital is City-${i % 197}. It has a long history.` }],
            finish_reason: 'stop',
          },
        ]),
      },
      links: [],
      events: [],
      duration: [1, 0],
      ended: true,
      resource: RESOURCE,
      instrumentationScope: SCOPE,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    });
  }
  return spans;
}

const cpuNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const tmp = (label) => fs.mkdtempSync(path.join(os.tmpdir(), `cid-bench-${label}-`));

/** CPU seconds an exporter spends storing `count` spans, batch by batch (building the spans not counted). */
async function timeExporter(Exporter, count) {
  const dir = tmp('exporter');
  const exporter = new Exporter({ dir, durability: 'batch', checkpointEvery: 0, checkpointIntervalMs: 0 });
  let cpu = 0;
  for (let i = 0; i < count; i += BATCH) {
    const batch = makeSpans(i, Math.min(count, i + BATCH));
    const c0 = cpuNow();
    const r = await exporter.exportAsync(batch);
    cpu += cpuNow() - c0;
    if (r.code !== 0) throw new Error(`export failed: ${r.error?.message}`);
  }
  const logId = exporter.store.logId;
  await exporter.shutdown();
  return { dir, logId, cpu };
}

async function timeNaive(count, logId = '20261126T154832Z-1-00000000') {
  const dir = tmp('naive');
  const writer = new NaiveWriter(dir, logId);
  let cpu = 0;
  for (let i = 0; i < count; i += BATCH) {
    const batch = makeSpans(i, Math.min(count, i + BATCH));
    const c0 = cpuNow();
    await writer.write(batch);
    cpu += cpuNow() - c0;
  }
  writer.close();
  return { dir, logId, cpu };
}

/** Record lines (without newline) and pack blocks (CID string -> bytes) of one log. */
function readStored(dir, logId) {
  const log = fs.readFileSync(path.join(dir, 'logs', `${logId}.jsonl`));
  const lines = [];
  for (let pos = 0; pos < log.length;) {
    const nl = log.indexOf(0x0a, pos);
    lines.push(log.subarray(pos, nl));
    pos = nl + 1;
  }
  const blocks = new Map(scanPack(fs.readFileSync(path.join(dir, 'blocks', `${logId}.blocks`))).sections.map((s) => [s.cid.toString(), Buffer.from(s.bytes)]));
  return { lines, blocks };
}

const hash = crypto.hash ? (b) => crypto.hash('sha256', b, 'latin1') : (b) => crypto.createHash('sha256').update(b).digest('latin1');

function cpuOf(fn) {
  const c0 = cpuNow();
  fn();
  return cpuNow() - c0;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const clean = (...dirs) => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));

// 1. Same bytes as @ipld/dag-json: one batch by ours, then by naive under ours' log id.
{
  const o = await timeExporter(CidSpanExporter, BATCH);
  const n = await timeNaive(BATCH, o.logId);
  const a = readStored(o.dir, o.logId);
  const b = readStored(n.dir, n.logId);
  if (a.lines.length !== BATCH || a.lines.some((l, i) => !l.equals(b.lines[i])))
    throw new Error('ours and @ipld/dag-json (naive) wrote different record lines');
  if (a.blocks.size !== b.blocks.size || [...a.blocks].some(([k, v]) => !b.blocks.get(k)?.equals(v))) throw new Error('ours and naive stored different blocks');
  clean(o.dir, n.dir);
}

// 2. Rounds in alternating order; the bound over what ours stored in that round.
const rows = { ours: [], naive: [], before: [], boundChunks: [], boundExact: [], perCall: [] };
let bytesPerRecord = 0;
let blocksPerRecord = 0;
for (let round = 0; round < ROUNDS + 1; round++) {
  const order = round % 2 === 0 ? ['ours', 'naive', 'before'] : ['before', 'naive', 'ours'];
  const results = {};
  for (const which of order) {
    if (which === 'before' && !before) continue;
    results[which] = which === 'naive' ? await timeNaive(N) : await timeExporter(which === 'ours' ? CidSpanExporter : before.CidSpanExporter, N);
  }
  const stored = readStored(results.ours.dir, results.ours.logId);
  const items = [...stored.lines, ...stored.blocks.values()];
  const bytes = items.reduce((a, b) => a + b.length, 0);
  const chunk = Buffer.alloc(1024, 7);
  const chunks = Math.round(bytes / 1024);
  const exact = cpuOf(() => items.forEach(hash));
  const chunked = cpuOf(() => {
    for (let i = 0; i < chunks; i++) hash(chunk);
  });
  const small = Buffer.alloc(64, 1);
  const calls = 200_000;
  const perCall = cpuOf(() => {
    for (let i = 0; i < calls; i++) hash(small);
  });
  for (const r of Object.values(results)) clean(r.dir);
  // Round 0 warms up the JIT and is not counted.
  if (round === 0) continue;
  bytesPerRecord = bytes / N;
  blocksPerRecord = stored.blocks.size / N;
  rows.ours.push(N / results.ours.cpu);
  rows.naive.push(N / results.naive.cpu);
  if (before) rows.before.push(N / results.before.cpu);
  rows.boundExact.push(N / exact);
  rows.boundChunks.push(N / chunked);
  rows.perCall.push((perCall / calls) * 1e9);
}

const ours = median(rows.ours);
const naive = median(rows.naive);
const exact = median(rows.boundExact);
const chunks = median(rows.boundChunks);
const mb = (rate) => ((rate * bytesPerRecord) / 1e6).toFixed(1);
console.log(
  `cid-exporter bench: ${ROUNDS} rounds x ${N} GenAI spans, batches of ${BATCH}, durability=batch, node ${process.version}, pinned=${process.env.BENCH_PINNED ? 'cpu0' : 'no'}`,
);
console.log(`stored per record: ${bytesPerRecord.toFixed(0)} bytes (record line + ${blocksPerRecord.toFixed(2)} new blocks), each hashed once by the bound`);
const col = (x) => String(x).padStart(12);
console.log(`  ${''.padEnd(58)}${col('rec/cpu-s')}${col('MB/cpu-s')}${col('/ bound(b)')}`);
const row = (name, rate) => console.log(`  ${name.padEnd(58)}${col(fmt(rate))}${col(mb(rate))}${col((rate / exact).toFixed(3))}`);
row('ours: CidSpanExporter', ours);
row('naive: @ipld/dag-json encode + multiformats CIDs', naive);
if (before) row(`before: ${process.env.BENCH_BEFORE}`, median(rows.before));
row('bound (a): sha2-256 over the same bytes in 1 KiB chunks', chunks);
row('bound (b): sha2-256 over exactly the bytes stored', exact);
console.log(
  `  ours / naive = ${(ours / naive).toFixed(1)}x;  ours / bound(a) = ${(ours / chunks).toFixed(3)};  ours / bound(b) = ${(ours / exact).toFixed(3)}${before ? `;  ours / before = ${(ours / median(rows.before)).toFixed(2)}x` : ''}`,
);
console.log(`  sha2-256 per call (crypto.hash on 64 B): ${median(rows.perCall).toFixed(0)} ns; per round ours: ${rows.ours.map(fmt).join(' ')}`);
console.log(
  `load average during the run: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} on ${os.cpus().length} CPUs`,
);
