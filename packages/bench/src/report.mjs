// Renders BENCHMARKS.md from one run's results: the machine, the method, the figures as ratios, and the
// checks that make the figures trustworthy (spans exported per call, dropped counts, stored records).
import { installedVersion } from './versions.mjs';
import { MODES } from './per-call/run.mjs';
import { BATCH_SETTINGS } from './per-call/configurations.mjs';
import { median } from './stats.mjs';

const MODE_LABEL = { plain: 'plain chat', stream: 'streamed chat (20 chunks)' };
const micros = (x) => `${x >= 0 ? '+' : ''}${Math.abs(x) < 10 ? x.toFixed(1) : x.toFixed(0)} µs`;
const ratio = (x) => `${x.toFixed(2)}x`;
const mb = (kib) => (kib * 1024) / 1e6;
const int = (n) => Math.round(n).toLocaleString('en-US');
const status = (met) => (met ? 'met' : '**not met**');

export function renderReport({ machine, finished, settings, sections, results }) {
  const out = [];
  out.push('# Benchmarks', '');
  out.push(
    `Written by \`pnpm bench\` ([packages/bench](packages/bench/README.md)) on ${machine.date.slice(0, 10)}, in ${finished.minutes.toFixed(1)} minutes. ` +
      'Every figure comes from this one run on this one machine, measured side by side. The machine is shared and noisy, so ' +
      'compare the ratios within this file rather than absolute figures across runs. How to re-run, what each figure means and the knobs: ' +
      '[packages/bench/README.md](packages/bench/README.md).',
    '',
  );
  out.push(...machineSection(machine, finished), '');
  out.push(...targetsSection(results), '');
  if (results.perCall) out.push(...perCallSection(results.perCall, settings), '');
  if (results.storeBenches || results.burst?.readers) out.push(...storeSection(results.storeBenches, results.burst), '');
  if (results.burst) out.push(...burstSection(results.burst, settings), '');
  if (results.startup) out.push(...startupSection(results.startup), '');
  if (results.http) out.push(...httpSection(results.http), '');
  if (results.s3) out.push(...s3Section(results.s3), '');
  if (results.scale) out.push(...scaleSection(results.scale), '');
  out.push(...versionsSection(), '');
  const skipped = ['per-call', 'store', 'burst', 'startup', 'http', 's3'].filter((s) => !sections.includes(s));
  if (skipped.length > 0) out.push(`Sections not run (BENCH_SECTIONS): ${skipped.join(', ')}.`, '');
  return out.join('\n');
}

function machineSection(machine, finished) {
  return [
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${machine.cpuModel}, ${machine.cores} cores |`,
    `| memory | ${machine.memoryGiB.toFixed(1)} GiB |`,
    `| OS | ${machine.platform} |`,
    `| Node.js | ${machine.node} (V8 ${machine.v8}) |`,
    `| measured processes pinned to one CPU | ${machine.pinned} |`,
    `| load average (1, 5, 15 min) | at the start ${machine.loadAverage.map((l) => l.toFixed(2)).join(', ')}; at the end ${finished.loadAverage.map((l) => l.toFixed(2)).join(', ')} |`,
  ];
}

function targetsSection(results) {
  const rows = [];
  const perCall = results.perCall;
  const storeOn = perCall?.rows.find((r) => r.id === 'llmp-store-on');
  if (storeOn) {
    for (const mode of MODES) {
      const lightest = perCall.lightest[mode];
      if (!lightest) continue;
      const r = storeOn[mode].ratioToLightest;
      rows.push([
        `added CPU per call with the store on ≤ the lightest peer's, ${MODE_LABEL[mode]}`,
        `${micros(storeOn[mode].addedMicros)} = ${ratio(r)} the lightest peer's (${lightest.id}, ${micros(lightest.addedMicros)})`,
        status(r <= 1),
      ]);
    }
  }
  const burst = results.burst;
  if (burst) {
    const extraMB = burst.storeOnPeakMB - burst.uninstrumentedPeakMB;
    rows.push([
      `burst of ${int(burst.calls)} calls, store on: ≤ 100 MB more peak RSS than uninstrumented`,
      `${extraMB >= 0 ? '+' : ''}${extraMB.toFixed(0)} MB (${burst.storeOnPeakMB.toFixed(0)} MB against ${burst.uninstrumentedPeakMB.toFixed(0)} MB)`,
      status(extraMB <= 100),
    ]);
    const missing = Math.max(...burst.missingSpans);
    rows.push([
      'burst: every span stored, or its drop counted in the store',
      `${burst.storedSpans.map(int).join(' / ')} of ${int(burst.calls)} stored; record types ${burst.storeRecordTypes.map((t) => JSON.stringify(t)).join(' / ')}`,
      missing === 0 ? 'met (nothing dropped)' : '**check**: spans are missing; a drop record must account for them',
    ]);
    const readers = burst.readers;
    if (readers) {
      const bound = readers.bound.mbPerCpuSecond;
      rows.push([
        '`verifyStore` ≥ 0.8 of the sha2-256 bound (store of the burst)',
        ratio(readers.verify.mbPerCpuSecond / bound),
        status(readers.verify.mbPerCpuSecond / bound >= 0.8),
      ]);
      rows.push([
        '`exportCar` ≥ 0.5 of the sha2-256 bound (store of the burst)',
        ratio(readers.export.mbPerCpuSecond / bound),
        status(readers.export.mbPerCpuSecond / bound >= 0.5),
      ]);
      const verifyMB = mb(readers.verify.maxRssKiB);
      const exportMB = mb(readers.export.maxRssKiB);
      rows.push([
        `verify and export under 100 MB RSS (store of ${(readers.verify.inputBytes / 1e6).toFixed(0)} MB)`,
        `verify ${verifyMB.toFixed(0)} MB, export ${exportMB.toFixed(0)} MB`,
        status(verifyMB < 100 && exportMB < 100),
      ]);
    }
  }
  if (results.storeBenches) {
    rows.push([
      'exporter ≥ 100,000 records per CPU-second, ≥ 14x naive `@ipld/dag-json`',
      'in the output of `packages/cid-exporter/bench/bench.mjs` (section 2.2)',
      'see there',
    ]);
  }
  if (rows.length === 0) return ['## Targets', '', 'No section that measures a target was run.'];
  return [
    '## Targets',
    '',
    '| target | this run | |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    'What limits a target that is not met, and what would meet it: [docs/performance.md](docs/performance.md).',
  ];
}

function perCallSection(perCall, settings) {
  const out = ['## 1. Added CPU per call, against the peers', ''];
  const header = ['configuration', 'version', ...MODES.flatMap((m) => [`${MODE_LABEL[m]}: added CPU per call`, 'ratio to the lightest peer'])];
  out.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (const row of perCall.rows) {
    const cells = [
      row.label,
      installedVersion(row.packageName),
      ...MODES.flatMap((m) => [micros(row[m].addedMicros), row[m].ratioToLightest !== undefined ? ratio(row[m].ratioToLightest) : '–']),
    ];
    out.push(`| ${cells.join(' | ')} |`);
  }
  out.push('');
  const lightest = MODES.filter((m) => perCall.lightest[m]).map((m) => `${MODE_LABEL[m]}: ${perCall.lightest[m].id}`);
  if (lightest.length > 0)
    out.push(
      `Lightest peer: ${lightest.join('; ')}. Uninstrumented, the call itself costs ${MODES.map((m) => `${micros(median(perCall.rows.map((r) => r[m].baseMicros))).slice(1)} (${MODE_LABEL[m]})`).join(' and ')} of CPU (median of the configurations' disabled blocks).`,
      '',
    );

  out.push('**Checks** (every block is checked; a failed check fails the run):', '');
  out.push(
    '| configuration | calls traced (plain + streamed) | spans exported | spans dropped | content carried | OTLP bytes per span (plain / streamed) | also |',
    '|---|---|---|---|---|---|---|',
  );
  for (const row of perCall.rows) {
    const traced = MODES.reduce((t, m) => t + row[m].enabledCalls, 0);
    const exported = MODES.reduce((t, m) => t + row[m].spansExported, 0);
    const dropped = MODES.reduce((t, m) => t + row[m].spansDropped, 0);
    const logs = row.plain.logsEmitted !== undefined;
    const content = logs ? 'in log events: one user message and one choice per call' : 'on the span: prompt and answer';
    const also = [];
    if (logs)
      also.push(
        `${int(MODES.reduce((t, m) => t + row[m].logsExported, 0))} log records exported, ${int(MODES.reduce((t, m) => t + row[m].logsDropped, 0))} dropped; OTLP log bytes per call ${MODES.map((m) => int(row[m].otlpLogBytesPerCall)).join(' / ')}`,
      );
    if (row.plain.storeSpanRecords !== undefined)
      also.push(
        `store: ${int(MODES.reduce((t, m) => t + row[m].storeSpanRecords, 0))} span records, verifyStore ${MODES.every((m) => row[m].storeVerified) ? 'ok' : 'FAILED'}`,
      );
    out.push(
      `| ${row.id} | ${int(traced)} | ${int(exported)} | ${int(dropped)} | ${content} | ${MODES.map((m) => int(row[m].otlpBytesPerSpan)).join(' / ')} | ${also.join('; ') || '–'} |`,
    );
  }
  out.push('');
  out.push('Added CPU per call in each round (µs), to show the spread:', '');
  out.push(`| configuration | ${MODES.map((m) => MODE_LABEL[m]).join(' | ')} |`, `|---|${MODES.map(() => '---').join('|')}|`);
  for (const row of perCall.rows) out.push(`| ${row.id} | ${MODES.map((m) => row[m].addedPerRound.map((x) => x.toFixed(0)).join(', ')).join(' | ')} |`);
  out.push('');
  const sample = perCall.rows[0].plain;
  out.push(
    '**Method.** The real `openai` SDK (' +
      installedVersion('openai') +
      ") with an in-process transport: the client's `fetch` option returns a `Response` built in memory, so there is no network and no server. " +
      'A plain call sends a system and a user message and gets one choice; a streamed call reads 20 content chunks, a finish chunk and a usage chunk (`stream_options.include_usage`). ' +
      'Content capture is on for every configuration (`captureMessageContent: true` for llm-provenance and OpenTelemetry contrib, `traceContent: true` for openllmetry, OpenInference captures by default).',
    '',
    'Every configuration has the same pipeline: a `TracerProvider` of `@opentelemetry/sdk-trace` (registered globally and handed to the instrumentation with `setTracerProvider`, so a second copy of `@opentelemetry/api` could not leave it a no-op tracer), ' +
      `a span processor with \`maxQueueSize\` ${int(BATCH_SETTINGS.maxQueueSize)} and \`maxExportBatchSize\` ${BATCH_SETTINGS.maxExportBatchSize} (nothing is dropped; checked), and one downstream sink that serialises each batch with the official OTLP protobuf serializer ` +
      '(`ProtobufTraceSerializer` of `@opentelemetry/otlp-transformer` ' +
      installedVersion('@opentelemetry/otlp-transformer') +
      ') and discards the bytes. ' +
      'The peers and "store off" use the SDK\'s `BatchSpanProcessor`. OpenTelemetry contrib puts content in log events, so it also gets a `LoggerProvider` with a `BatchLogRecordProcessor` (same sizes) and the same kind of sink (`ProtobufLogsSerializer`). ' +
      '"Store on" is `CidSpanProcessor` → `CidSpanExporter` writing a real store in a temp dir (durability `batch`: fdatasync per batch; default checkpoints) and forwarding every span, content kept, to the same sink. ' +
      "No metrics are collected for anyone (the meter provider is the API's no-op one; contrib records its histograms into it).",
    '',
    `Each configuration and kind of call runs in its own process, pinned to one CPU, which creates the instrumentation and then \`require\`s \`openai\` (so the require hook patches it). Blocks of ${sample.blockCalls} calls alternate between \`instrumentation.enable()\` and \`disable()\` (which re-patch and unpatch the loaded module); ` +
      `a block's CPU time (\`process.cpuUsage()\`, user + system) includes the \`forceFlush\` that exports its spans, so export is inside the measured window. After ${settings.warmupPairs} warm-up pairs (${settings.warmupPairs * sample.blockCalls} enabled calls: the figure is the steady state of a long-running process; with a short warm-up V8 is still optimising, and the store's larger code adds compile time on V8's background threads, see docs/performance.md), ${sample.enabledBlocks} enabled and ${sample.enabledBlocks} disabled blocks alternate (which comes first alternating too); ` +
      `added CPU per call = median(enabled) − median(disabled). ${settings.rounds} rounds, the configurations' order rotating from round to round; the table shows the median over rounds, and each configuration's ratio to the lightest peer's.`,
    '',
    "After every block the worker checks the counts: an enabled block must have ended and exported exactly one span per call, each carrying this call's prompt and full answer (for contrib: one user-message and one choice log record per call instead), and a disabled block none. " +
      '"Spans dropped" is spans ended minus spans exported. With the store on, the store must hold one span record per traced call and `verifyStore` must accept it.',
  );
  return out;
}

function storeSection(storeBenches, burst) {
  const out = ['## 2. Exporter, verify and CAR export throughput', ''];
  const readers = burst?.readers;
  if (readers) {
    const bound = readers.bound.mbPerCpuSecond;
    const types = burst.storeRecordTypes[0];
    out.push('### 2.1 Readers on the store the burst wrote', '');
    out.push(
      `The store written by the register during the burst (section 3): ${Object.entries(types)
        .map(([t, n]) => `${int(n)} ${t} records`)
        .join(', ')}, ${(readers.verify.inputBytes / 1e6).toFixed(1)} MB of logs, block packs and checkpoints. ` +
        'Each operation runs in its own process pinned to one CPU (so its peak RSS is its own), best of ' +
        `${readers.verify.repeats ?? 'the'} runs, in CPU seconds. ` +
        'The bound is sha2-256 (`crypto.hash`) over 1 KiB chunks of as many bytes, measured in the same run: the most a reader that hashes every byte once could do here.',
      '',
      '| operation | MB per CPU-second | ratio to the sha2-256 bound | peak RSS |',
      '|---|---|---|---|',
      `| sha2-256 over 1 KiB chunks (the bound) | ${bound.toFixed(0)} | 1.00x | ${mb(readers.bound.maxRssKiB).toFixed(0)} MB |`,
      `| \`verifyStore\` | ${readers.verify.mbPerCpuSecond.toFixed(1)} | ${ratio(readers.verify.mbPerCpuSecond / bound)} | ${mb(readers.verify.maxRssKiB).toFixed(0)} MB |`,
      `| \`exportCar\` | ${readers.export.mbPerCpuSecond.toFixed(1)} | ${ratio(readers.export.mbPerCpuSecond / bound)} | ${mb(readers.export.maxRssKiB).toFixed(0)} MB |`,
      '',
    );
  }
  if (storeBenches) {
    out.push("### 2.2 cid-exporter's own benchmarks, verbatim", '');
    out.push('Run as child processes from `packages/cid-exporter` in this same run; their output is copied as it was printed.', '');
    for (const bench of storeBenches) {
      out.push(`#### \`packages/cid-exporter/${bench.script}\``, '');
      if (bench.missing) out.push('Not present in this checkout.', '');
      else out.push('```text', bench.output, '```', '');
    }
  }
  return out;
}

function burstSection(burst, settings) {
  const extra = burst.storeOnPeakMB - burst.uninstrumentedPeakMB;
  const out = [
    '## 3. Memory under a burst',
    '',
    '| app | peak RSS | CPU for the burst | wall time (process) |',
    '|---|---|---|---|',
    `| uninstrumented | ${burst.uninstrumentedPeakMB.toFixed(0)} MB | ${burst.uninstrumentedBurstCpuSeconds.toFixed(1)} s | ${burst.uninstrumentedWallSeconds.toFixed(1)} s |`,
    `| \`--import @llm-provenance/auto-instrumentations/register\`, store on | ${burst.storeOnPeakMB.toFixed(0)} MB | ${burst.storeOnBurstCpuSeconds.toFixed(1)} s | ${burst.storeOnWallSeconds.toFixed(1)} s |`,
    `| difference | ${extra >= 0 ? '+' : ''}${extra.toFixed(0)} MB | ${ratio(burst.storeOnBurstCpuSeconds / burst.uninstrumentedBurstCpuSeconds)} | |`,
    '',
    `Peak RSS of every run, in the order run: uninstrumented ${burst.uninstrumentedPeaksMB.map((mb) => `${mb.toFixed(0)} MB`).join(', ')}; store on ${burst.storeOnPeaksMB.map((mb) => `${mb.toFixed(0)} MB`).join(', ')}.`,
    '',
    `Spans in the store: ${burst.storedSpans.map(int).join(' / ')} of ${int(burst.calls)} calls; missing (dropped): ${burst.missingSpans.map(int).join(' / ')}; records by type: ${burst.storeRecordTypes.map((t) => `\`${JSON.stringify(t)}\``).join(' / ')}.`,
    '',
    `**Method.** One app makes ${int(burst.calls)} plain chat calls through the real \`openai\` SDK, at most ${int(settings.burstConcurrency)} in flight, each answered in memory after a ${settings.burstLatencyMs} ms timer (so the calls really are in flight together). ` +
      `It runs uninstrumented, and under the register entry with the store on in a temp dir (durability \`batch\`, \`OTEL_BSP_MAX_QUEUE_SIZE=${int(burst.maxQueueSize)}\` so that no span has to be dropped, other \`OTEL_BSP_*\` at their defaults) and OTLP not configured. ` +
      "Peak RSS is `process.resourceUsage().maxRSS` read in an `exit` handler installed after the register's, so it includes the final store flush. " +
      `The store is read back afterwards and its span records counted. ${burst.rounds} run(s) of each, alternating; medians.`,
  ];
  if (burst.stderr.length > 0) out.push('', 'What the apps printed on stderr:', '', '```text', ...burst.stderr, '```');
  return out;
}

function startupSection(startup) {
  const rows = startup.rows;
  const node = rows.find((r) => r.id === 'node');
  const by = (id) => rows.find((r) => r.id === id);
  const out = [
    '## 4. Start-up time and memory',
    '',
    '| `node ... -e 0` | wall time (median) | added to `node -e 0` | CPU | peak RSS | added to `node -e 0` |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const added = r.id === 'node' ? ['–', '–'] : [`+${(r.wallMs - node.wallMs).toFixed(0)} ms`, `+${(r.peakRssMB - node.peakRssMB).toFixed(0)} MB`];
    out.push(`| ${r.label} | ${r.wallMs.toFixed(0)} ms | ${added[0]} | ${r.cpuMs.toFixed(0)} ms | ${r.peakRssMB.toFixed(0)} MB | ${added[1]} |`);
  }
  const overhead = (id) => by(id).wallMs - node.wallMs;
  const pairs = [
    ['llmp-require', 'otel-require', 'CommonJS entry (`--require`)'],
    ['llmp-import', 'otel-esm', 'ES module entry (loader hook)'],
  ].filter(([a, b]) => by(a) && by(b));
  out.push('');
  if (pairs.length > 0)
    out.push(
      `Added start-up time, llm-provenance over OpenTelemetry's register: ${pairs.map(([a, b, what]) => `${what} ${ratio(overhead(a) / overhead(b))}`).join('; ')}.`,
      '',
    );
  out.push(
    `**Method.** ${startup.runs} runs of each case, the cases interleaved run by run, median wall time from spawn to exit; peak RSS (\`maxRSS\`) and CPU from ${startup.usageRuns} further runs each with a tiny preload that reads \`process.resourceUsage()\` at exit, median. ` +
      'llm-provenance runs with the store on, in a temp dir. Nothing is exported by anyone: `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER` and `OTEL_LOGS_EXPORTER` are `none` for every case ' +
      '(left at its defaults, the OpenTelemetry register sends metrics to an OTLP collector on localhost:4318 at exit and retries for seconds when none listens), and its resource detectors are limited to `env,host,os,process,serviceinstance` (the cloud detectors query metadata services over the network).',
  );
  return out;
}

function httpSection(http) {
  const n = http.nonInference;
  const s = http.stream;
  return [
    '## 5. HTTP-level tracing of self-hosted servers (instrumentation-inference-servers)',
    '',
    '| measurement | instrumentation off | on | on / off |',
    '|---|---|---|---|',
    `| CPU per \`fetch\` to a non-inference URL (median of ${n.rounds} alternating rounds of ${n.calls} calls) | ${n.offMicros.toFixed(1)} µs | ${n.onMicros.toFixed(1)} µs | ${ratio(n.onMicros / n.offMicros)} |`,
    `| peak RSS growth reading a ${(s.on.bytes / 2 ** 20).toFixed(0)} MB streamed chat answer (median of ${s.rounds}) | ${s.off.growthMB.toFixed(1)} MB | ${s.on.growthMB.toFixed(1)} MB | +${(s.on.growthMB - s.off.growthMB).toFixed(1)} MB |`,
    `| CPU to read that answer | ${s.off.cpuMs.toFixed(0)} ms | ${s.on.cpuMs.toFixed(0)} ms | ${ratio(s.on.cpuMs / s.off.cpuMs)} |`,
    '',
    `Spans: ${n.spans} for the non-inference calls (none expected); ${s.on.spans.join(', ')} per instrumented stream run (one expected), ${s.off.spans.join(', ')} uninstrumented. ` +
      '**Method.** A loopback server in its own process (packages/bench/src/http/server.cjs); each measurement in a fresh worker pinned to one CPU. ' +
      'The non-inference calls are POSTs with a small JSON body to `/api/items` through global `fetch`, the instrumentation enabled and disabled in alternating rounds in one process. ' +
      'The stream is an OpenAI-style SSE answer from a server configured as vLLM, read chunk by chunk; growth is the peak RSS while reading over the RSS after a warm-up stream of 8 MB. ' +
      'Past its observation bound (4 MiB by default) the instrumentation keeps reading only usage and finish events.',
  ];
}

function s3Section(s3) {
  const size = s3.bytes >= 2 ** 30 ? `${(s3.bytes / 2 ** 30).toFixed(s3.bytes % 2 ** 30 === 0 ? 0 : 2)} GiB` : `${(s3.bytes / 2 ** 20).toFixed(0)} MiB`;
  return [
    '## 6. S3 content CIDs on a large multipart upload (instrumentation-aws-s3)',
    '',
    '| measurement | instrumentation off | on | on − off |',
    '|---|---|---|---|',
    `| CPU of a ${size} lib-storage \`Upload\` (${s3.parts} parts of 5 MiB; median of ${s3.rounds}) | ${s3.off.cpuMs.toFixed(0)} ms | ${s3.on.cpuMs.toFixed(0)} ms | ${s3.on.cpuMs - s3.off.cpuMs >= 0 ? '+' : ''}${(s3.on.cpuMs - s3.off.cpuMs).toFixed(0)} ms (${ratio(s3.on.cpuMs / s3.off.cpuMs)}) |`,
    `| added CPU per GiB | | | ${s3.addedCpuMsPerGiB.toFixed(0)} ms |`,
    `| peak RSS growth during the upload (median of ${s3.rounds}) | ${s3.off.growthMB.toFixed(1)} MB | ${s3.on.growthMB.toFixed(1)} MB | ${s3.on.growthMB - s3.off.growthMB >= 0 ? '+' : ''}${(s3.on.growthMB - s3.off.growthMB).toFixed(1)} MB |`,
    '',
    `Spans: ${s3.on.spans.join(', ')} per instrumented run (CreateMultipartUpload, one per part, CompleteMultipartUpload and the Upload, each exported), ${s3.off.spans.join(', ')} uninstrumented. ` +
      '**Method.** A generated stream of 64 KiB chunks, uploaded with `@aws-sdk/lib-storage` (part size 5 MiB, queue of 4) through the real `@aws-sdk/client-s3` to a loopback endpoint in its own process that answers the multipart calls and discards the bytes (packages/bench/src/s3/sink.cjs); ' +
      "each measurement in a fresh worker pinned to one CPU, off and on in alternating order. Instrumented, every part is hashed for its own CID and, in part order, for the whole object's CID (two sha2-256 passes over every byte); " +
      'spans are exported by a SimpleSpanProcessor inside the measured window. RSS growth is the peak over the RSS after a 32 MiB warm-up upload; it stays flat when it does not grow with the object: the parts Upload holds at once bound it.',
  ];
}

function scaleSection(scale) {
  const mb = (b) => `${(b / 1e6).toFixed(0)} MB`;
  const row = (label, r) =>
    r ? `${(r.wallMs / 1000).toFixed(1)} s (${r.cpuSeconds.toFixed(1)} CPU s), ${(r.maxRssKiB / 1024).toFixed(0)} MB` : 'not measured';
  const ops = [
    ['query (`--user --model --limit 20`, with prompts and outputs)', 'query'],
    ['report (`--by provider,model`)', 'report'],
    ['report (`--by user,day --provider --since`)', 'report-filtered'],
    ['consistency', 'consistency'],
  ];
  const b = scale.bytes;
  return [
    `## 7. Scale: ${scale.records.toLocaleString('en-US')} GenAI records`,
    '',
    `A store of ${scale.records.toLocaleString('en-US')} span records in ${scale.generated.logs} logs (${mb(b.logs)} of logs, ${mb(b.blocks)} of packs), written in ${scale.generated.cpuSeconds.toFixed(0)} CPU s by the store's own writer. ` +
      `Index: ${scale.build ? `${scale.engine}, ${mb(scale.indexBytes)} on disk, built (with one report) in ${row('', scale.build)}` : `not measured (no SQLite in Node ${scale.node}: node:sqlite needs Node >= 22.13, or install better-sqlite3)`}.`,
    '',
    '| operation | from the logs: wall (CPU), peak RSS | from the index |',
    '|---|---|---|',
    `| verify | ${row('', scale.logs.verify)} | (always reads the logs) |`,
    ...ops.map(([label, op]) => `| ${label} | ${row('', scale.logs[op])} | ${row('', scale.indexed?.[op])} |`),
    '',
    '**Method.** packages/bench/src/scale: the store is generated once per run in the scratch folder and removed after; each operation runs once in its own process pinned to one CPU, ' +
      'wall and CPU time of the call itself (module loading excluded), peak RSS of the process. The index answers must equal the logs answers (a digest of each answer is compared) or the run fails.',
  ];
}

function versionsSection() {
  const packages = [
    '@opentelemetry/instrumentation-openai',
    '@traceloop/instrumentation-openai',
    '@arizeai/openinference-instrumentation-openai',
    '@opentelemetry/auto-instrumentations-node',
    'openai',
    '@opentelemetry/api',
    '@opentelemetry/sdk-trace',
    '@opentelemetry/sdk-logs',
    '@opentelemetry/otlp-transformer',
  ];
  const instrumentationOf = (peer) => installedVersion('@opentelemetry/instrumentation', peer);
  return [
    '## Versions',
    '',
    '| package | version | its `@opentelemetry/instrumentation` |',
    '|---|---|---|',
    ...packages.map((p) => `| \`${p}\` | ${installedVersion(p)} | ${p.includes('instrumentation-openai') ? instrumentationOf(p) : ''} |`),
    `| \`@llm-provenance/instrumentation-openai\` | ${installedVersion('@llm-provenance/instrumentation-openai')} (this checkout) | ${instrumentationOf('@llm-provenance/instrumentation-openai')} |`,
    '',
    'The peers are the newest releases that run on Node.js 20 (`@opentelemetry/instrumentation-openai` 0.22 and `@opentelemetry/auto-instrumentations-node` 0.82 need Node.js >= 22.15).',
  ];
}
