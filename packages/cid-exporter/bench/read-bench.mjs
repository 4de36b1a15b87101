#!/usr/bin/env node
// Read-side throughput and memory, side by side in one run, over a generated store of a chosen size:
//   bound   plain sha2-256 over 1 KiB chunks (crypto.hash; the faster of its 'buffer' and 'latin1' digests)
//   floor   sha2-256 of exactly the store's items, one crypto.hash call per record line and per block,
//           nothing else (timed around the hash calls only): what verify cannot beat without fewer calls
//   verify  verifyStore over the store          (every record, block, chain, Merkle root, signature)
//   export  exportCar of the store to a CAR     (every record and block hashed, written once)
//   verify-car  verifyCar of that CAR (for information)
//   before  the same two operations of another build (READ_BENCH_BEFORE) on a store its own writer made
//           from the same spans, when given
// Each measurement runs in its own child process (CPU seconds of the operation alone, the process's peak
// RSS), pinned to one CPU with taskset when available; rounds alternate the order; each ratio is taken
// within a round and the median over rounds is reported.
// Figures are store bytes (logs + packs) per CPU second and their ratios to the bound and to the floor.
//
// Env: READ_BENCH_MB (store size, default 200), READ_BENCH_ROUNDS (default 3), READ_BENCH_DIR (keep the
// generated stores there and reuse them on the next run), READ_BENCH_BEFORE (path of another build's
// dist/esm/index.js, e.g. a saved copy of the previous build), READ_BENCH_CHUNK (read window, bytes).
// The store is written by the package's CidSpanExporter when it writes format 2, else by the independent
// spec writer of the tests (test/verify-fixture-writer.mjs).
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist', 'esm');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
/**
 * Peak RSS of this process in MB: VmHWM of /proc/self/status (of this program image alone: getrusage's
 * maxRSS would also count the parent's memory that the fork before exec copied), else maxRSS.
 */
const maxRssMb = () => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
};
const storeBytes = (dir) =>
  ['logs', 'blocks'].reduce((a, d) => a + fs.readdirSync(path.join(dir, d)).reduce((b, f) => b + fs.statSync(path.join(dir, d, f)).size, 0), 0);

// ---------------------------------------------------------------------------------------------------
// Child modes: one measurement each, printed as one JSON line.
const mode = process.env.READ_BENCH_CHILD;
if (mode) {
  const [a, b] = process.argv.slice(2);
  const chunkSize = process.env.READ_BENCH_CHUNK ? Number(process.env.READ_BENCH_CHUNK) : undefined;
  const out = (o) => process.stdout.write(JSON.stringify({ ...o, rssMb: maxRssMb() }) + '\n');
  if (mode === 'bound') {
    const buf = crypto.randomBytes(64 << 20);
    const run = (enc) => {
      const t = cpu();
      for (let o = 0; o + 1024 <= buf.length; o += 1024) crypto.hash('sha256', buf.subarray(o, o + 1024), enc);
      return buf.length / (cpu() - t);
    };
    run('latin1');
    out({ latin1: run('latin1'), buffer: run('buffer') });
  } else if (mode === 'floor') {
    // split the store into its items first (not timed), then time only the hash calls, one per item
    let cpuHash = 0;
    let items = 0;
    const read = (file, split) => {
      const fd = fs.openSync(file, 'r');
      let buf = Buffer.allocUnsafe(8 << 20);
      let have = 0;
      let pos = 0;
      for (;;) {
        const n = fs.readSync(fd, buf, have, buf.length - have, pos);
        pos += n;
        have += n;
        const starts = [];
        const ends = [];
        const used = split(buf, have, starts, ends, n === 0);
        const t = cpu();
        for (let i = 0; i < starts.length; i++) crypto.hash('sha256', buf.subarray(starts[i], ends[i]), 'latin1');
        cpuHash += cpu() - t;
        items += starts.length;
        buf.copy(buf, 0, used, have);
        have -= used;
        if (n === 0) break;
        if (have === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      }
      fs.closeSync(fd);
    };
    const lines = (buf, have, starts, ends) => {
      let p = 0;
      for (let nl = buf.indexOf(10, p); nl >= 0 && nl < have; nl = buf.indexOf(10, p)) {
        starts.push(p);
        ends.push(nl);
        p = nl + 1;
      }
      return p;
    };
    const varint = (buf, p, have) => {
      let v = 0;
      let mul = 1;
      for (let i = p; i < have; i++) {
        v += (buf[i] & 0x7f) * mul;
        if ((buf[i] & 0x80) === 0) return [v, i - p + 1];
        mul *= 128;
      }
      return null;
    };
    const sections = (buf, have, starts, ends) => {
      let p = 0;
      for (;;) {
        const v = varint(buf, p, have);
        if (!v || p + v[1] + v[0] > have) return p;
        const cidLen = buf[p + v[1] + 1] === 0x55 ? 36 : 37; // the store's raw and dag-json sha2-256 CIDv1s
        starts.push(p + v[1] + cidLen);
        ends.push(p + v[1] + v[0]);
        p += v[1] + v[0];
      }
    };
    for (const f of fs.readdirSync(path.join(a, 'logs')).filter((f) => f.endsWith('.jsonl'))) read(path.join(a, 'logs', f), lines);
    for (const f of fs.readdirSync(path.join(a, 'blocks'))) read(path.join(a, 'blocks', f), sections);
    out({ cpu: cpuHash, items });
  } else if (mode === 'verify' || mode === 'before-verify') {
    const { verifyStore } = await import(mode === 'verify' ? pathToFileURL(path.join(dist, 'verify', 'verify-store.js')).href : pathToFileURL(b).href);
    const t = cpu();
    const report = verifyStore(a, { chunkSize });
    out({
      cpu: cpu() - t,
      ok: report.ok,
      records: report.logs.reduce((n, l) => n + l.records, 0),
      blocks: report.blocks,
      failures: report.failures.slice(0, 3),
    });
  } else if (mode === 'export' || mode === 'before-export') {
    const { exportCar } = await import(
      mode === 'export' ? pathToFileURL(path.join(dist, 'export', 'export-car.js')).href : pathToFileURL(process.argv[4]).href
    );
    const t = cpu();
    const s = exportCar(a, b, { chunkSize });
    out({ cpu: cpu() - t, bytes: s.bytes, blocks: s.blocks });
  } else if (mode === 'verify-car') {
    const { verifyCar } = await import(pathToFileURL(path.join(dist, 'verify', 'verify-car.js')).href);
    const t = cpu();
    const report = verifyCar(a, { chunkSize });
    out({ cpu: cpu() - t, ok: report.ok, failures: report.failures.slice(0, 3) });
  } else if (mode === 'index') {
    // what the block index costs per block: build it over the packs as verify does
    const { BlockTable } = await import(pathToFileURL(path.join(dist, 'verify', 'block-table.js')).href);
    const { hashPacks } = await import(pathToFileURL(path.join(dist, 'verify', 'store-packs.js')).href);
    const blocks = new BlockTable();
    hashPacks(a, blocks);
    blocks.seal();
    out({ blocks: blocks.blocks, bytes: blocks.raw.byteSize + blocks.dagJson.byteSize });
  }
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------
// Parent: generate the stores, run the measurements in alternating rounds, print the medians.
const MB = Number(process.env.READ_BENCH_MB ?? 200);
const ROUNDS = Number(process.env.READ_BENCH_ROUNDS ?? 3);
const before = process.env.READ_BENCH_BEFORE ? path.resolve(process.env.READ_BENCH_BEFORE) : undefined;
const keep = process.env.READ_BENCH_DIR ? path.resolve(process.env.READ_BENCH_DIR) : undefined;
const work = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cid-read-bench-'));
fs.mkdirSync(work, { recursive: true });
const pin = fs.existsSync('/usr/bin/taskset') && process.env.READ_BENCH_PIN !== '0';

const SYSTEM = 'You are a careful assistant. Answer briefly and cite sources. '.repeat(4);
const TOOLS = JSON.stringify([
  { type: 'function', name: 'search', description: 'Search the web', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
]);
const WORDS =
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'.split(
    ' ',
  );
function text(n, seed) {
  let s = '';
  let x = seed >>> 0;
  while (s.length < n) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += WORDS[x % WORDS.length] + ' ';
  }
  return s.slice(0, n);
}

/** Span i as a finished OTel ReadableSpan would be (as bench/bench.mjs builds them): payload sizes vary. */
function makeSpan(i, resource, scope) {
  const id = (i + 1).toString(16).padStart(16, '0');
  const input = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Question ${i}: ${text(100 + ((i * 7919) % 1900), i)}` }] }]);
  const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text(100 + ((i * 104729) % 1400), i + 1) }], finish_reason: 'stop' }]);
  return {
    name: 'chat gpt-4o-mini',
    kind: 2,
    spanContext: () => ({ traceId: id.padStart(32, 'a'), spanId: id, traceFlags: 1 }),
    parentSpanContext: { traceId: id.padStart(32, 'a'), spanId: 'f'.repeat(16), traceFlags: 1 },
    startTime: [1764172112 + i, 0],
    endTime: [1764172113 + i, 5000],
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
      'gen_ai.input.messages': input,
      'gen_ai.output.messages': output,
    },
    links: [],
    events: [],
    duration: [1, 5000],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

const RESOURCE = {
  attributes: { 'service.name': 'bench', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.version': '2.12.0' },
};
const SCOPE = { name: '@llm-provenance/instrumentation-openai', version: '0.1.0' };

/** Writes spans through a package's CidSpanExporter until the store holds `mb` MB. */
async function writeWithExporter(pkg, dir, mb) {
  const { CidSpanExporter } = await import(pathToFileURL(pkg).href);
  const exporter = new CidSpanExporter({ dir, durability: 'none', checkpointEvery: 1000, checkpointIntervalMs: 0 });
  let i = 0;
  while (storeBytes(dir) < mb * 1e6) {
    const batch = [];
    for (let k = 0; k < 2000; k++, i++) batch.push(makeSpan(i, RESOURCE, SCOPE));
    const r = await exporter.exportAsync(batch);
    if (r.code !== 0) throw new Error(`export failed: ${r.error?.message}`);
  }
  await exporter.shutdown();
  return i;
}

/** The same spans through the tests' spec writer (format 2, FORMAT.md), until the store holds `mb` MB. */
async function writeWithSpecWriter(dir, mb) {
  const { SpecLogWriter } = await import(pathToFileURL(path.join(here, '..', 'test', 'verify-fixture-writer.mjs')).href);
  const w = new SpecLogWriter(dir, { checkpointEvery: 1000, resource: RESOURCE.attributes });
  const ns = ([s, n]) => (BigInt(s) * 1_000_000_000n + BigInt(n)).toString();
  let i = 0;
  for (; i % 1000 !== 0 || storeBytes(dir) < mb * 1e6; i++) {
    const s = makeSpan(i, RESOURCE, SCOPE);
    const ctx = s.spanContext();
    const a = { ...s.attributes };
    const payload = (names) => Object.fromEntries(names.filter((n) => n in a).map((n) => [n, a[n]]));
    const input = payload(['gen_ai.system_instructions', 'gen_ai.tool.definitions', 'gen_ai.input.messages']);
    const output = payload(['gen_ai.output.messages']);
    for (const n of [...Object.keys(input), ...Object.keys(output)]) delete a[n];
    w.appendSpan({
      traceId: ctx.traceId,
      spanId: ctx.spanId,
      parentSpanId: s.parentSpanContext.spanId,
      name: s.name,
      start: ns(s.startTime),
      end: ns(s.endTime),
      attributes: a,
      params: Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('gen_ai.request.'))),
      scope: { name: SCOPE.name, version: SCOPE.version, schemaUrl: null },
      input,
      output,
    });
  }
  w.close();
  return i;
}

function child(modeName, args, extraEnv = {}) {
  const cmd = pin
    ? ['/usr/bin/taskset', ['-c', '0', process.execPath, fileURLToPath(import.meta.url), ...args]]
    : [process.execPath, [fileURLToPath(import.meta.url), ...args]];
  const r = spawnSync(cmd[0], cmd[1], { encoding: 'utf8', env: { ...process.env, ...extraEnv, READ_BENCH_CHILD: modeName }, maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    // another build may fail where this one does not: say how, and go on
    if (modeName.startsWith('before-')) return { error: (/^(\w*Error: .*)$/m.exec(r.stderr)?.[1] ?? r.stderr.trim().split('\n').pop()).slice(0, 200) };
    throw new Error(`${modeName} failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { FORMAT_VERSION } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
const storeDir = path.join(work, `store-${MB}mb`);
const carFile = path.join(work, `store-${MB}mb.car`);
let writer =
  FORMAT_VERSION === 2 ? 'CidSpanExporter (format 2)' : 'spec writer (test/verify-fixture-writer.mjs), the package writer being at format ' + FORMAT_VERSION;
if (!fs.existsSync(path.join(storeDir, '.complete'))) {
  fs.rmSync(storeDir, { recursive: true, force: true });
  const t = Date.now();
  const spans = FORMAT_VERSION === 2 ? await writeWithExporter(path.join(dist, 'index.js'), storeDir, MB) : await writeWithSpecWriter(storeDir, MB);
  fs.writeFileSync(path.join(storeDir, '.complete'), String(spans));
  console.error(`generated ${spans} spans in ${((Date.now() - t) / 1000).toFixed(0)} s`);
} else writer += ' (reused)';
const beforeDir = path.join(work, `before-${MB}mb`);
if (before && !fs.existsSync(path.join(beforeDir, '.complete'))) {
  fs.rmSync(beforeDir, { recursive: true, force: true });
  const spans = await writeWithExporter(before, beforeDir, MB);
  fs.writeFileSync(path.join(beforeDir, '.complete'), String(spans));
}
const bytes = storeBytes(storeDir);
const spans = Number(fs.readFileSync(path.join(storeDir, '.complete'), 'utf8'));
console.log(`read bench: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), pinned=${pin ? 'cpu0' : 'no'}, ${ROUNDS} rounds`);
console.log(`store: ${(bytes / 1e6).toFixed(0)} MB (logs + packs), ${spans} spans, ${(bytes / spans).toFixed(0)} B per span; written by ${writer}`);

const runs = { bound: [], floor: [], verify: [], export: [], verifyCar: [], beforeVerify: [], beforeExport: [] };
for (let r = 0; r < ROUNDS; r++) {
  const steps = [
    () => runs.bound.push(child('bound', [])),
    () => runs.floor.push(child('floor', [storeDir])),
    () => runs.verify.push(child('verify', [storeDir])),
    () => {
      // a fresh target: replacing a file of the previous round would charge its unlink to the export
      fs.rmSync(carFile, { force: true });
      runs.export.push(child('export', [storeDir, carFile]));
    },
    () => runs.verifyCar.push(child('verify-car', [carFile])),
    ...(before
      ? [
          () => runs.beforeVerify.push(child('before-verify', [beforeDir, before])),
          () => {
            fs.rmSync(`${carFile}.before`, { force: true });
            runs.beforeExport.push(child('before-export', [beforeDir, `${carFile}.before`, before]));
          },
        ]
      : []),
  ];
  for (const step of r % 2 ? steps.reverse() : steps) step();
}
const index = child('index', [storeDir]);
for (const v of [...runs.verify, ...runs.verifyCar]) if (!v.ok) throw new Error(`verify reported problems: ${JSON.stringify(v.failures)}`);

// Ratios are taken per round (each operation against the bound and floor measured in the same round),
// then the median over rounds: steadier than a ratio of medians when the machine's load changes.
const boundOf = (r) => Math.max(runs.bound[r].latin1, runs.bound[r].buffer);
const bound = median(runs.bound.map((b, r) => boundOf(r)));
const floorRate = bytes / median(runs.floor.map((f) => f.cpu));
const row = (name, list, b = bytes) => {
  if (!list.length) return;
  const failed = list.find((x) => x.error);
  if (failed) {
    console.log(`  ${name.padEnd(34)} failed: ${failed.error}`);
    return;
  }
  const rate = b / median(list.map((x) => x.cpu));
  const toBound = median(list.map((x, r) => b / x.cpu / boundOf(r)));
  const toFloor = median(list.map((x, r) => b / x.cpu / (bytes / runs.floor[r].cpu)));
  const rss = Math.max(...list.map((x) => x.rssMb));
  console.log(
    `  ${name.padEnd(34)} ${(rate / 1e6).toFixed(0).padStart(6)} MB/cpu-s   / bound ${toBound.toFixed(3)}   / floor ${toFloor.toFixed(3)}   peak RSS ${rss.toFixed(0)} MB`,
  );
};
console.log(
  `  ${'bound: sha2-256, 1 KiB chunks'.padEnd(34)} ${(bound / 1e6).toFixed(0).padStart(6)} MB/cpu-s   ('latin1' ${(median(runs.bound.map((b) => b.latin1)) / 1e6).toFixed(0)}, 'buffer' ${(median(runs.bound.map((b) => b.buffer)) / 1e6).toFixed(0)})`,
);
const floorToBound = median(runs.floor.map((f, r) => bytes / f.cpu / boundOf(r)));
console.log(
  `  ${"floor: the store's items, 1 call each".padEnd(34)} ${(floorRate / 1e6).toFixed(0).padStart(6)} MB/cpu-s   / bound ${floorToBound.toFixed(3)}   (${runs.floor[0].items} items, ${(bytes / runs.floor[0].items).toFixed(0)} B each)`,
);
row('verifyStore', runs.verify);
row('exportCar', runs.export);
row('verifyCar (of that CAR)', runs.verifyCar, fs.statSync(carFile).size);
if (before) {
  const beforeBytes = storeBytes(beforeDir);
  row(`before: verifyStore (${(beforeBytes / 1e6).toFixed(0)} MB v1 store)`, runs.beforeVerify, beforeBytes);
  row('before: exportCar', runs.beforeExport, beforeBytes);
}
console.log(`block index: ${index.blocks} blocks, ${(index.bytes / index.blocks).toFixed(1)} bytes per block (${(index.bytes / 1e6).toFixed(1)} MB)`);
console.log(
  `load average during the run: ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} on ${os.cpus().length} CPUs`,
);
fs.rmSync(carFile, { force: true });
fs.rmSync(`${carFile}.before`, { force: true });
if (!keep) fs.rmSync(work, { recursive: true, force: true });
