/**
 * OTLP JSON Lines and Jaeger UI JSON exports of a format 2 store (./verify-fixture.ts): the exact shape of
 * a span in each, with the provenance.* attributes, and the payloads restored from their blocks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as dagJson from '@ipld/dag-json';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { SDK_INFO } from '@opentelemetry/core';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { CidSpanExporter, exportCar, exportJaegerJson, exportOtlpJsonLines, toExportTraceServiceRequest, toJaegerDocument } from '@llm-provenance/cid-exporter';
import type { SpanView } from '@llm-provenance/cid-exporter';
import { SpecLogWriter } from './verify-fixture-writer.mjs';
import { BASE_MS, PARENT_SPAN_ID, lines, RESOURCE, resourceOf, spec, tmpDir, WRITER, writeSpans } from './verify-fixture.js';

let store: string;
let logId: string;
let out: string;
let recs: Array<{ cid: string; record: any }>;

beforeAll(async () => {
  store = path.join(tmpDir('viewers'), 'store');
  logId = await writeSpans(store, 0, 11, { checkpointEvery: 5 });
  out = tmpDir('viewers-out');
  recs = await Promise.all(
    lines(store, logId).map(async (l) => ({ cid: MfCID.create(1, 0x0129, await sha256.digest(l)).toString(), record: dagJson.decode<any>(l) })),
  );
}, 120_000);

/** The SDK's default service name depends on how node was started; it is whatever the resource block holds. */
const SDK_VERSION = SDK_INFO['telemetry.sdk.version'];
const serviceName = (): string => resourceOf(store, logId, recs[0]!.record)['service.name'] as string;
const resource = (): unknown[] => [
  { key: 'service.name', value: { stringValue: serviceName() } },
  { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } },
  { key: 'telemetry.sdk.name', value: { stringValue: 'opentelemetry' } },
  { key: 'telemetry.sdk.version', value: { stringValue: SDK_VERSION } },
];

describe('exportOtlpJsonLines', () => {
  it('writes ExportTraceServiceRequest lines with hex ids, string nanos and typed values', () => {
    const file = path.join(out, 'spans.jsonl');
    expect(exportOtlpJsonLines(store, file, { spansPerLine: 4 })).toEqual({ file, spans: 11, units: 3 });
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const requests = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(requests.map((r) => r.resourceSpans[0].scopeSpans[0].spans.length)).toEqual([4, 4, 3]);
    const req = requests[2];
    expect(req.resourceSpans).toHaveLength(1);
    expect(req.resourceSpans[0].resource).toEqual({ attributes: resource() });
    expect(req.resourceSpans[0].scopeSpans[0].scope).toEqual({ name: 'verify-fixture', version: '1.0.0' });
    const s = spec(9);
    const { cid, record } = recs[9]!;
    expect(req.resourceSpans[0].scopeSpans[0].spans[1]).toEqual({
      traceId: s.traceId,
      spanId: record.spanId,
      parentSpanId: PARENT_SPAN_ID,
      name: 'chat gpt-4o-mini',
      kind: 3,
      startTimeUnixNano: String((BASE_MS + 9000) * 1e6),
      endTimeUnixNano: String((BASE_MS + 9250) * 1e6),
      attributes: [
        { key: 'enduser.id', value: { stringValue: 'user-1' } },
        { key: 'gen_ai.input.messages', value: { stringValue: s.input } },
        { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
        { key: 'gen_ai.output.messages', value: { stringValue: s.output } },
        { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
        { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
        { key: 'gen_ai.request.temperature', value: { doubleValue: 0.5 } },
        { key: 'gen_ai.usage.input_tokens', value: { intValue: '19' } },
        { key: 'provenance.input.cid', value: { stringValue: record.input.toString() } },
        { key: 'provenance.log.id', value: { stringValue: logId } },
        { key: 'provenance.log.seq', value: { intValue: '9' } },
        { key: 'provenance.output.cid', value: { stringValue: record.output.toString() } },
        { key: 'provenance.record.cid', value: { stringValue: cid } },
        { key: 'provenance.route.backend', value: { stringValue: 'primary' } },
        { key: 'provenance.task.id', value: { stringValue: 'task-3' } },
        { key: 'provenance.worker.id', value: { stringValue: 'worker-1' } },
      ],
      status: { code: 2, message: 'rate limited' },
    });
  });

  it('leaves payloads out with content: false', () => {
    const file = path.join(out, 'no-content.jsonl');
    exportOtlpJsonLines(store, file, { content: false });
    const span = JSON.parse(fs.readFileSync(file, 'utf8')).resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.attributes.map((a: { key: string }) => a.key)).not.toContain('gen_ai.input.messages');
    expect(span.attributes.map((a: { key: string }) => a.key)).toContain('provenance.input.cid');
  });
});

describe('exportJaegerJson', () => {
  it('writes the document Jaeger UI uploads: data[] of traces with spans, typed tags and processes', () => {
    const file = path.join(out, 'jaeger.json');
    // 11 spans, three per trace id
    expect(exportJaegerJson(store, file)).toEqual({ file, spans: 11, units: 4 });
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.data.map((t: { traceID: string; spans: unknown[] }) => [t.traceID, t.spans.length])).toEqual([
      [spec(0).traceId, 3],
      [spec(3).traceId, 3],
      [spec(6).traceId, 3],
      [spec(9).traceId, 2],
    ]);
    const t = doc.data[3];
    expect(t.processes).toEqual({
      p1: {
        serviceName: serviceName(),
        tags: [
          { key: 'telemetry.sdk.language', type: 'string', value: 'nodejs' },
          { key: 'telemetry.sdk.name', type: 'string', value: 'opentelemetry' },
          { key: 'telemetry.sdk.version', type: 'string', value: SDK_VERSION },
        ],
      },
    });
    const s = spec(9);
    const { cid, record } = recs[9]!;
    expect(t.spans[0]).toEqual({
      traceID: s.traceId,
      spanID: record.spanId,
      operationName: 'chat gpt-4o-mini',
      references: [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: PARENT_SPAN_ID }],
      startTime: (BASE_MS + 9000) * 1000,
      duration: 250_000,
      tags: [
        { key: 'enduser.id', type: 'string', value: 'user-1' },
        { key: 'gen_ai.input.messages', type: 'string', value: s.input },
        { key: 'gen_ai.operation.name', type: 'string', value: 'chat' },
        { key: 'gen_ai.output.messages', type: 'string', value: s.output },
        { key: 'gen_ai.provider.name', type: 'string', value: 'openai' },
        { key: 'gen_ai.request.model', type: 'string', value: 'gpt-4o-mini' },
        { key: 'gen_ai.request.temperature', type: 'float64', value: 0.5 },
        { key: 'gen_ai.usage.input_tokens', type: 'int64', value: 19 },
        { key: 'provenance.input.cid', type: 'string', value: record.input.toString() },
        { key: 'provenance.log.id', type: 'string', value: logId },
        { key: 'provenance.log.seq', type: 'int64', value: 9 },
        { key: 'provenance.output.cid', type: 'string', value: record.output.toString() },
        { key: 'provenance.record.cid', type: 'string', value: cid },
        { key: 'provenance.route.backend', type: 'string', value: 'primary' },
        { key: 'provenance.task.id', type: 'string', value: 'task-3' },
        { key: 'provenance.worker.id', type: 'string', value: 'worker-1' },
        { key: 'error', type: 'bool', value: true },
        { key: 'otel.scope.name', type: 'string', value: 'verify-fixture' },
        { key: 'otel.scope.version', type: 'string', value: '1.0.0' },
        { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        { key: 'otel.status_description', type: 'string', value: 'rate limited' },
        { key: 'span.kind', type: 'string', value: 'client' },
      ],
      logs: [],
      processID: 'p1',
      flags: 1,
    });
  });
});

describe('events and links', () => {
  it('carry over to OTLP (events, links) and Jaeger (logs, FOLLOWS_FROM references)', async () => {
    const dir = path.join(tmpDir('viewers-events'), 'store');
    const linked = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    if (WRITER === 'real') {
      const exporter = new CidSpanExporter({ dir, checkpointIntervalMs: 0 });
      const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
      const tracer = provider.getTracer('events-test');
      const span = tracer.startSpan('chat m', { startTime: BASE_MS, links: [{ context: linked, attributes: { 'link.reason': 'retry-of' } }] });
      span.addEvent('gen_ai.choice', { 'gen_ai.output.messages': '[{"role":"assistant"}]', index: 0 }, BASE_MS + 100);
      span.end(BASE_MS + 200);
      await provider.shutdown();
    } else {
      // the record FORMAT.md 3.1 describes for that span: a payload attribute inside an event links a raw block
      const w = new SpecLogWriter(dir, { checkpointEvery: 0 });
      const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
      w.appendSpan({
        traceId: 'd'.repeat(32),
        spanId: 'e'.repeat(16),
        name: 'chat m',
        kind: 'INTERNAL',
        start: ns(BASE_MS),
        end: ns(BASE_MS + 200),
        scope: { name: 'events-test', version: null, schemaUrl: null },
        events: [
          {
            name: 'gen_ai.choice',
            time: ns(BASE_MS + 100),
            attributes: { 'gen_ai.output.messages': w.block(0x55, Buffer.from('[{"role":"assistant"}]')), index: 0 },
          },
        ],
        links: [{ traceId: linked.traceId, spanId: linked.spanId, attributes: { 'link.reason': 'retry-of' } }],
        resource: RESOURCE,
      });
      w.close();
    }

    const otlpFile = path.join(out, 'events.jsonl');
    exportOtlpJsonLines(dir, otlpFile);
    const s = JSON.parse(fs.readFileSync(otlpFile, 'utf8')).resourceSpans[0].scopeSpans[0].spans[0];
    expect(s.events).toEqual([
      {
        timeUnixNano: String((BASE_MS + 100) * 1e6),
        name: 'gen_ai.choice',
        attributes: [
          { key: 'gen_ai.output.messages', value: { stringValue: '[{"role":"assistant"}]' } },
          { key: 'index', value: { intValue: '0' } },
        ],
      },
    ]);
    expect(s.links).toEqual([{ traceId: linked.traceId, spanId: linked.spanId, attributes: [{ key: 'link.reason', value: { stringValue: 'retry-of' } }] }]);
    expect(s.kind).toBe(1); // INTERNAL

    const jaegerFile = path.join(out, 'events.json');
    exportJaegerJson(dir, jaegerFile);
    const j = JSON.parse(fs.readFileSync(jaegerFile, 'utf8')).data[0].spans[0];
    expect(j.references).toEqual([{ refType: 'FOLLOWS_FROM', traceID: linked.traceId, spanID: linked.spanId }]);
    expect(j.logs).toEqual([
      {
        timestamp: (BASE_MS + 100) * 1000,
        fields: [
          { key: 'event', type: 'string', value: 'gen_ai.choice' },
          { key: 'gen_ai.output.messages', type: 'string', value: '[{"role":"assistant"}]' },
          { key: 'index', type: 'int64', value: 0 },
        ],
      },
    ]);
  });
});

describe('attribute value types', () => {
  const view: SpanView = {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    name: 'chat m',
    kind: 2,
    startTimeUnixNano: 1_700_000_000_123_456_789n,
    endTimeUnixNano: 1_700_000_000_623_456_789n,
    status: { code: 0 },
    attributes: { small: 19, big: 2 ** 60, huge: 1e21, ratio: 0.5, flag: false, list: ['a', 'b'] },
    resource: { 'service.name': 'svc' },
    scope: { name: 'scope' },
    events: [],
    links: [],
  };

  it('types a safe integer as int64 and an integer past 2^53 as the double it is, in both formats', () => {
    const span = (toExportTraceServiceRequest([view]).resourceSpans[0] as any).scopeSpans[0].spans[0];
    expect(span.attributes).toEqual([
      { key: 'big', value: { doubleValue: 2 ** 60 } },
      { key: 'flag', value: { boolValue: false } },
      { key: 'huge', value: { doubleValue: 1e21 } },
      { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'small', value: { intValue: '19' } },
    ]);
    const jaeger = (toJaegerDocument([view]).data[0] as any).spans[0];
    expect(jaeger.tags.slice(0, 6)).toEqual([
      { key: 'big', type: 'float64', value: 2 ** 60 },
      { key: 'flag', type: 'bool', value: false },
      { key: 'huge', type: 'float64', value: 1e21 },
      { key: 'list', type: 'string', value: '["a","b"]' },
      { key: 'ratio', type: 'float64', value: 0.5 },
      { key: 'small', type: 'int64', value: 19 },
    ]);
    // microseconds, truncated
    expect([jaeger.startTime, jaeger.duration]).toEqual([1_700_000_000_123_456, 500_000]);
  });
});

describe('writing the export file', () => {
  it('leaves neither a partial file nor a temporary file behind when the target cannot be written', () => {
    const dir = tmpDir('viewers-fail');
    const target = path.join(dir, 'occupied');
    fs.mkdirSync(target); // a directory where the export file should go: the final rename fails
    expect(() => exportOtlpJsonLines(store, target)).toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(() => exportJaegerJson(store, target)).toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(fs.readdirSync(dir)).toEqual(['occupied']);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('writes each export through its own temporary name, so a second export to the same file replaces it whole', () => {
    const file = path.join(tmpDir('viewers-twice'), 'spans.jsonl');
    exportOtlpJsonLines(store, file, { spansPerLine: 1 });
    exportOtlpJsonLines(store, file, { spansPerLine: 4 });
    expect(fs.readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(3);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['spans.jsonl']);
  });
});

describe('viewer exports of a CAR export', () => {
  it('write the same OTLP JSON Lines and Jaeger JSON from a CAR as from the store it came from', () => {
    const car = path.join(out, 'store.car');
    exportCar(store, car);
    for (const [name, run] of [
      ['otlp', exportOtlpJsonLines],
      ['jaeger', exportJaegerJson],
    ] as const) {
      const fromStore = path.join(out, `from-store.${name}`);
      const fromCar = path.join(out, `from-car.${name}`);
      expect(run(car, fromCar)).toEqual({ ...run(store, fromStore), file: fromCar });
      expect(fs.readFileSync(fromCar, 'utf8')).toBe(fs.readFileSync(fromStore, 'utf8'));
    }
  });
});
