/**
 * OTLP over every transport the spec names (https://opentelemetry.io/docs/specs/otel/protocol/exporter/):
 * an unmodified ES module app under `node --import .../register` calls three backends (OpenAI, Anthropic,
 * Gemini) inside a span of its own; each transport's receiver (OTLP/gRPC: a @grpc/grpc-js TraceService server;
 * OTLP/HTTP protobuf and JSON) decodes what arrives with the official opentelemetry-proto definitions, and
 * every span is checked: name, kind, trace and parent, status, events, the whole attribute map, scope and
 * resource; its provenance.record.cid resolves in the store to the record of that very span, and the store
 * verifies.
 */
import { hostname } from 'node:os';
import * as dagJson from '@ipld/dag-json';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { describe, expect, it } from 'vitest';
import {
  PLANTED_API_KEY,
  plantedKeyCallAttributes,
  priceTableCost,
  provenanceOf,
  readStore,
  runApp,
  UUID_PATTERN,
  type AppRun,
  type OtlpSpan,
  type OtlpTransport,
} from '../harness/index.js';

const APP = 'fixtures/three-backends.mjs';
const SERVICE = 'three-backends';
/** Request 1 (OpenAI) answers "Paris.", request 2 (Anthropic) is rate limited; Gemini gets the default echo. */
const SCENARIOS = [
  { kind: 'text', text: 'Paris.' },
  { kind: 'error', status: 429, retryAfter: 1 },
] as const;
const QUESTION = 'capital of France?';
const INPUT_MESSAGES = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: QUESTION }] }]);
const outputMessages = (text: string) => JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: 'stop' }]);
const SPAN_NAMES = ['chat gpt-4o-mini', 'chat claude-sonnet-4', 'generate_content gemini-2.5-flash', 'answer question'] as const;
const RATE_LIMITED = `429 {"type":"error","error":{"type":"rate_limit_error","message":"Your account has hit a rate limit."},"request_id":"req_emu_2"}`;

function runThreeBackends(protocol: OtlpTransport, env: Record<string, string> = {}): Promise<AppRun> {
  return runApp({ module: 'esm', app: APP, protocol, scenarios: [...SCENARIOS], env: { OTEL_SERVICE_NAME: SERVICE, ...env } });
}

/**
 * The whole attribute map of each span (in SPAN_NAMES order). provenance.* are recomputed from the store
 * record at the span's own position; expectSpansResolveInStore checks that this record is the span's.
 */
async function expectedAttributes(run: AppRun, spans: OtlpSpan[]): Promise<Record<string, unknown>[]> {
  const provenance = (index: number) => provenanceOf(run, spans[index]!.attributes['provenance.log.seq'] as number);
  return [
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 20,
      'openai.api.type': 'chat_completions',
      'gen_ai.input.messages': INPUT_MESSAGES,
      'openai.response.service_tier': 'default',
      'openai.response.system_fingerprint': 'fp_emu',
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.response.finish_reasons': ['stop'],
      // The emulator counts words: 3 in ("capital of France?"), 1 out ("Paris.").
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 1,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.usage.cost.amount': priceTableCost(3, 1, { input: 0.15, output: 0.6 }),
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'gen_ai.output.messages': outputMessages('Paris.'),
      'provenance.provider.request_id': 'req_emu_1',
      ...plantedKeyCallAttributes(run),
      ...(await provenance(0)),
    },
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.request.max_tokens': 20,
      'gen_ai.input.messages': INPUT_MESSAGES,
      'error.type': '429',
      'http.response.status_code': 429,
      'provenance.provider.request_id': 'req_emu_2',
      ...plantedKeyCallAttributes(run),
      ...(await provenance(1)),
    },
    {
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': INPUT_MESSAGES,
      'gen_ai.response.id': 'gemini-emu-3',
      'gen_ai.response.model': 'gemini-2.5-flash',
      'gen_ai.response.finish_reasons': ['STOP'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cost.amount': priceTableCost(3, 4, { input: 0.3, output: 2.5 }),
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'gen_ai.output.messages': outputMessages(`Echo: ${QUESTION}`),
      ...plantedKeyCallAttributes(run),
      ...(await provenance(2)),
    },
    { 'app.question': 'capital of France', ...(await provenance(3)) },
  ];
}

/** The resource a register-started process reports, whole. */
function expectedResource() {
  return {
    'service.name': SERVICE,
    'service.instance.id': expect.stringMatching(UUID_PATTERN),
    'host.name': hostname(),
    'host.arch': expect.any(String),
    'host.id': expect.any(String),
    'process.pid': expect.any(Number),
    'process.executable.name': expect.any(String),
    'process.executable.path': expect.any(String),
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'process.runtime.description': 'Node.js',
    'process.command': expect.stringMatching(/three-backends\.mjs$/),
    'process.owner': expect.any(String),
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': expect.stringMatching(/^[23]\./),
  };
}

/** Checks every span of a three-backends run, as its receiver decoded it. */
async function expectThreeBackendSpans(run: AppRun, protocol: OtlpTransport): Promise<void> {
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  expect(
    run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown),
  ).toEqual([
    { call: 'openai', content: 'Paris.' },
    { call: 'anthropic', thrown: 'RateLimitError', status: 429 },
    { call: 'gemini', content: `Echo: ${QUESTION}` },
  ]);
  expect(run.exports.length).toBeGreaterThan(0);
  expect(run.exports.map((received) => received.protocol)).toEqual(run.exports.map(() => protocol));

  // Ordered by name: the store (and so the forwarding) order is the order the spans end, and the app's
  // span may end before the last call's span has (its instrumentation ends it once the response is read).
  expect(run.spans.map((span) => span.name).sort()).toEqual([...SPAN_NAMES].sort());
  const spans = SPAN_NAMES.map((name) => run.spans.find((span) => span.name === name)!);
  expect(spans.map((span) => [span.name, span.kind, span.scope])).toEqual([
    ['chat gpt-4o-mini', 'CLIENT', { name: '@llm-provenance/instrumentation-openai', version: expect.any(String) }],
    ['chat claude-sonnet-4', 'CLIENT', { name: '@llm-provenance/instrumentation-anthropic', version: expect.any(String) }],
    ['generate_content gemini-2.5-flash', 'CLIENT', { name: '@llm-provenance/instrumentation-google-genai', version: expect.any(String) }],
    ['answer question', 'INTERNAL', { name: 'three-backends-app', version: '1.0.0' }],
  ]);
  // One trace: the app's span is the root, each backend call its child.
  const app = spans[3]!;
  expect(app.parentSpanId).toBeUndefined();
  for (const span of spans) expect(span.traceId).toBe(app.traceId);
  expect(spans.slice(0, 3).map((span) => span.parentSpanId)).toEqual([app.spanId, app.spanId, app.spanId]);
  expect(new Set(spans.map((span) => span.spanId)).size).toBe(4);
  for (const span of spans.slice(0, 3)) expect(span.startTimeUnixNano).toBeGreaterThanOrEqual(app.startTimeUnixNano);

  expect(spans.map((span) => span.status)).toEqual([
    { code: 0, message: undefined },
    { code: 2, message: RATE_LIMITED },
    { code: 0, message: undefined },
    { code: 0, message: undefined },
  ]);
  expect(spans.map((span) => span.events)).toEqual([
    [],
    [
      {
        name: 'exception',
        attributes: {
          'exception.type': 'RateLimitError',
          'exception.message': RATE_LIMITED,
          'exception.stacktrace': expect.stringMatching(/^RateLimitError: 429 /),
        },
      },
    ],
    [],
    [],
  ]);
  expect(spans.map((span) => span.attributes)).toEqual(await expectedAttributes(run, spans));
  const resource = expectedResource();
  for (const span of spans) expect(span.resource).toEqual(resource);
  expect(new Set(spans.map((span) => span.resource['service.instance.id'])).size).toBe(1);
  // The key the app authenticated with never left the process over OTLP.
  expect(run.otlpBytes.includes(PLANTED_API_KEY)).toBe(false);

  await expectSpansResolveInStore(run, spans);
}

/**
 * Each span's provenance.record.cid names, in the store, the record of that very span (ids, name, kind,
 * status, resource), recomputed from the stored bytes; and the store verifies (chain, signatures, blocks).
 */
async function expectSpansResolveInStore(run: AppRun, spans: OtlpSpan[]): Promise<void> {
  const { logs, blocks } = await readStore(run.storeDir!);
  expect(logs).toHaveLength(1);
  const log = logs[0]!;
  expect(log.records).toHaveLength(spans.length);
  for (const span of spans) {
    const seq = span.attributes['provenance.log.seq'] as number;
    expect(log.cids.indexOf(span.attributes['provenance.record.cid'] as string)).toBe(seq);
    const record = log.records[seq]!;
    expect({
      traceId: record.traceId,
      spanId: record.spanId,
      parentSpanId: record.parentSpanId,
      name: record.name,
      kind: record.kind,
      status: record.status.code,
      start: record.start,
      end: record.end,
    }).toEqual({
      traceId: span.traceId,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId ?? null,
      name: span.name,
      kind: span.kind,
      status: ['UNSET', 'OK', 'ERROR'][span.status.code],
      start: String(span.startTimeUnixNano),
      end: String(span.endTimeUnixNano),
    });
    const resourceBlock = blocks.get((record.resource as { '/': string })['/']);
    expect(resourceBlock).toBeDefined();
    expect(dagJson.decode(resourceBlock!)).toEqual(span.resource);
  }
  const report = verifyStore(run.storeDir!);
  expect(report.failures).toEqual([]);
  expect(report.logs.map((entry) => [entry.log, entry.records, entry.signedSize])).toEqual([[log.logId, spans.length, spans.length]]);
}

/** What must be the same whichever transport carried a span: all but ids, times, ports, CIDs and the process. */
function transportIndependent(run: AppRun) {
  const perRun = new Set(['server.port', 'provenance.record.cid', 'provenance.log.id', 'provenance.log.seq']);
  return SPAN_NAMES.map((name) => run.spans.find((span) => span.name === name)!).map((span) => ({
    name: span.name,
    kind: span.kind,
    status: span.status,
    scope: span.scope,
    attributes: Object.fromEntries(Object.entries(span.attributes).filter(([key]) => !perRun.has(key))),
    events: span.events.map((event) => ({ name: event.name, keys: Object.keys(event.attributes) })),
  }));
}

const TRANSPORTS = ['grpc', 'http/protobuf', 'http/json'] as const satisfies readonly OtlpTransport[];

describe('an app calling three backends under --import register', () => {
  const runs = new Map<OtlpTransport, AppRun>();

  it.each(TRANSPORTS)('exports every span over OTLP %s, each decoded with the official protos and resolving in the store', async (protocol) => {
    const run = await runThreeBackends(protocol);
    await expectThreeBackendSpans(run, protocol);
    runs.set(protocol, run);
  });

  it('delivers the same spans over all three transports', () => {
    expect([...runs.keys()]).toEqual([...TRANSPORTS]);
    const [grpc, ...http] = TRANSPORTS.map((protocol) => transportIndependent(runs.get(protocol)!));
    for (const other of http) expect(other).toEqual(grpc);
    // provenance.input.cid is compared too: the same prompt is the same content, hence the same CID.
  });
});
