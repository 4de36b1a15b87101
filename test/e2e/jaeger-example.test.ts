/**
 * examples/jaeger: compose.yaml publishes the ports otel.env points the app at, and the offline viewer files
 * `llm-provenance export` writes from the example's store are what their consumers read:
 * - `--otlp-jsonl`: one TracesData per line in the OTLP/JSON mapping, decoded with the official
 *   opentelemetry-proto definitions (the protobufjs root shipped in @opentelemetry/otlp-transformer,
 *   installed as `otlp-transformer-protos`), round-tripping exactly, and equal to the spans the app sent
 *   live over OTLP/HTTP protobuf;
 * - `--jaeger-json`: Jaeger's JSON model (jaegertracing/jaeger model/json/model.go), the document Jaeger
 *   UI's "Upload JSON" reads.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { decodeTraceExport, readStore, startOtlpReceiver, TEST_ROOT, testTempDir, type OtlpSpan } from '../harness/index.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const EXAMPLE = path.resolve(TEST_ROOT, '../examples/jaeger');
const CLI = path.resolve(TEST_ROOT, '../packages/cid-exporter/bin/llm-provenance.cjs');

interface ProtoType {
  fromObject(object: unknown): object;
  toObject(message: object, options: Record<string, unknown>): Record<string, unknown>;
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
}
const { TracesData } = (
  require('otlp-transformer-protos/build/src/generated/root.js') as { opentelemetry: { proto: { trace: { v1: { TracesData: ProtoType } } } } }
).opentelemetry.proto.trace.v1;

/** KEY=VALUE lines, as `node --env-file` reads them (comments and blank lines aside). */
function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

describe('examples/jaeger compose.yaml', () => {
  it('runs Jaeger v2 all-in-one publishing the UI and both OTLP ports where otel.env and start.mjs look for them', () => {
    const compose = parseYaml(readFileSync(path.join(EXAMPLE, 'compose.yaml'), 'utf8')) as { services: Record<string, { image: string; ports: string[] }> };
    expect(Object.keys(compose.services)).toEqual(['jaeger']);
    const jaeger = compose.services.jaeger!;
    expect(jaeger.image).toMatch(/^cr\.jaegertracing\.io\/jaegertracing\/jaeger:2\.\d+\.\d+$/);
    // host port by container port: 16686 UI, 4317 OTLP/gRPC, 4318 OTLP/HTTP (Jaeger v2's defaults)
    const published = new Map(
      jaeger.ports.map((p) => {
        const [host, container] = p.split(':').map(Number);
        return [container!, host!];
      }),
    );
    expect(Object.fromEntries(published)).toEqual({ 16686: 16686, 4317: 4317, 4318: 4318 });

    const env = readEnvFile(path.join(EXAMPLE, 'otel.env'));
    expect(env).toEqual({
      OTEL_SERVICE_NAME: 'support-bot',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      LLM_PROVENANCE_FORWARD_CONTENT: 'true',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      JAEGER_UI: 'http://localhost:16686',
    });
    // an HTTP protocol goes to the port published for Jaeger's OTLP/HTTP receiver; the UI link to the UI's
    const endpoint = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT!);
    expect([endpoint.hostname, published.get(4318)]).toEqual(['localhost', Number(endpoint.port)]);
    expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toMatch(/^http\//);
    expect(Number(new URL(env.JAEGER_UI!).port)).toBe(published.get(16686));
    // and the app is started with that file
    const pkg = JSON.parse(readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node --env-file=otel.env start.mjs');
  });
});

/** OTLP/JSON ids are hex; the generic protobuf JSON mapping that protobufjs implements uses base64 for bytes. */
function mapIds(value: unknown, convert: (id: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapIds(v, convert));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, ['traceId', 'spanId', 'parentSpanId'].includes(k) && typeof v === 'string' ? convert(v) : mapIds(v, convert)]),
  );
}
const hexToBase64 = (id: string): string => {
  expect(id, 'OTLP/JSON ids are lower-case hex').toMatch(/^(?:[0-9a-f]{32}|[0-9a-f]{16})$/);
  return Buffer.from(id, 'hex').toString('base64');
};
const base64ToHex = (id: string): string => Buffer.from(id, 'base64').toString('hex');
const JSON_MAPPING = { longs: String, enums: Number, bytes: String, defaults: false, arrays: false };

type JaegerTag = { key: string; type: string; value: unknown };

describe('offline viewer exports of the example store', () => {
  it('are OTLP TracesData lines the official protos decode exactly, and a Jaeger JSON document of the same spans', async () => {
    const dir = testTempDir('jaeger-example-');
    const store = path.join(dir, 'store');
    const receiver = await startOtlpReceiver();
    const env = { PATH: process.env.PATH, NO_COLOR: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    await run(process.execPath, ['--env-file=otel.env', 'start.mjs', '--store', store], { cwd: EXAMPLE, env }).finally(() => receiver.close());
    const live = receiver.spans();
    const { logs } = await readStore(store);
    expect(live).toHaveLength(4);
    expect(receiver.exports.every((e) => e.protocol === 'http/protobuf')).toBe(true);

    const otlpFile = path.join(dir, 'spans.jsonl');
    const jaegerFile = path.join(dir, 'trace.json');
    await run(process.execPath, [CLI, 'export', store, '--otlp-jsonl', otlpFile, '--jaeger-json', jaegerFile], { env });

    // OTLP File Exporter format: one JSON TracesData per line, every line ending in a newline
    const text = readFileSync(otlpFile, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(1);
    const offline: OtlpSpan[] = [];
    for (const line of lines) {
      const json = JSON.parse(line) as Record<string, unknown>;
      const message = TracesData.fromObject(mapIds(json, hexToBase64));
      // every field was known to the proto (fromObject drops unknown ones) and typed as the mapping says
      // (string int64s, integer enums): converting back gives the line itself
      expect(mapIds(TracesData.toObject(message, JSON_MAPPING), base64ToHex)).toEqual(json);
      // and it is a valid binary TracesData: what a protobuf receiver gets decodes to the same
      const decoded = TracesData.decode(TracesData.encode(message).finish());
      expect(TracesData.toObject(decoded, { ...JSON_MAPPING, defaults: true })).toEqual(TracesData.toObject(message, { ...JSON_MAPPING, defaults: true }));
      for (const rs of json.resourceSpans as Array<{ resource: { attributes: unknown[] }; scopeSpans: Array<{ scope: object; spans: unknown[] }> }>) {
        for (const ss of rs.scopeSpans) {
          // the same flattening the live receiver applies, via a one-span request
          const one = { resourceSpans: [{ resource: rs.resource, scopeSpans: [{ scope: ss.scope, spans: ss.spans }] }] };
          offline.push(...decodeTraceExport(Buffer.from(JSON.stringify(one)), 'http/json'));
        }
      }
    }
    // the offline file holds exactly what went out live: same spans, attributes (provenance.* CIDs and
    // content included), parents, status, resource, scope
    const bySpanId = (spans: OtlpSpan[]) => Object.fromEntries(spans.map((s) => [s.spanId, s]));
    expect(bySpanId(offline)).toEqual(bySpanId(live));
    // (grouped by scope, so in another order than the store's)
    expect(offline.map((s) => s.attributes['provenance.record.cid']).sort()).toEqual([...logs[0]!.cids].sort());

    // Jaeger JSON model: { data: [Trace] }, Trace { traceID, spans, processes }, Span fields and types
    const doc = JSON.parse(readFileSync(jaegerFile, 'utf8')) as { data: Array<Record<string, unknown>> };
    expect(Object.keys(doc)).toEqual(['data']);
    expect(doc.data).toHaveLength(1);
    const trace = doc.data[0]!;
    expect(Object.keys(trace).sort()).toEqual(['processes', 'spans', 'traceID']);
    expect(trace.processes).toEqual({
      p1: {
        serviceName: 'support-bot',
        tags: expect.arrayContaining([{ key: 'telemetry.sdk.language', type: 'string', value: 'nodejs' }]),
      },
    });
    const spans = trace.spans as Array<Record<string, unknown>>;
    expect(spans).toHaveLength(4);
    for (const span of spans) {
      expect(Object.keys(span).sort()).toEqual([
        'duration',
        'flags',
        'logs',
        'operationName',
        'processID',
        'references',
        'spanID',
        'startTime',
        'tags',
        'traceID',
      ]);
      const source = bySpanId(live)[span.spanID as string]!;
      expect(span).toMatchObject({
        traceID: source.traceId,
        operationName: source.name,
        processID: 'p1',
        flags: 1,
        // microseconds since the epoch, as integers
        startTime: Number(source.startTimeUnixNano / 1000n),
        duration: Number((source.endTimeUnixNano - source.startTimeUnixNano) / 1000n),
        references: source.parentSpanId ? [{ refType: 'CHILD_OF', traceID: source.traceId, spanID: source.parentSpanId }] : [],
      });
      const tags = span.tags as JaegerTag[];
      // each tag's JSON type is the one its `type` names; the span's attributes are all there, CIDs as strings
      for (const t of tags) {
        expect(['string', 'bool', 'int64', 'float64']).toContain(t.type);
        const jsType = { string: 'string', bool: 'boolean', int64: 'number', float64: 'number' }[t.type];
        expect(typeof t.value, t.key).toBe(jsType);
        if (t.type === 'int64') expect(Number.isSafeInteger(t.value), t.key).toBe(true);
      }
      const tagMap = Object.fromEntries(tags.map((t) => [t.key, t.value]));
      for (const [key, value] of Object.entries(source.attributes)) {
        expect(tagMap[key], key).toEqual(Array.isArray(value) ? JSON.stringify(value) : value);
      }
      expect(logs[0]!.cids).toContain(tagMap['provenance.record.cid']);
      expect(tagMap['span.kind']).toBe(source.kind.toLowerCase());
      expect(tagMap['otel.scope.name']).toBe(source.scope.name);
    }
  }, 120_000);
});
