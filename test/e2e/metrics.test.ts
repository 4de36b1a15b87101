/**
 * GenAI metrics end to end: an unmodified ES module app calling three real SDKs (openai, @anthropic-ai/sdk,
 * groq-sdk) under `node --import .../register` with OTEL_METRICS_EXPORTER=otlp, exporting to a loopback
 * OTLP receiver (HTTP protobuf, HTTP JSON, gRPC) that decodes what arrives with the official protos. Every metric is checked against
 * the spans of the same run (which the trace receiver decodes): names, units, instrument kinds, the advised
 * bucket boundaries, attributes and values.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runApp, type AppRun } from '../harness/index.js';
import type { AttributeValue, OtlpSpan } from '../harness/otlp-decode.js';
import { startOtlpGrpcMetricsReceiver, startOtlpMetricsReceiver, type OtlpMetric } from '../harness/otlp-metrics-receiver.js';

const TOKEN_BOUNDS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const SECONDS_BOUNDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const CUMULATIVE = 2;
const METRIC_KEYS = ['gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.request.model', 'server.address', 'server.port', 'gen_ai.response.model'];

type Attrs = Record<string, AttributeValue>;
const keyOf = (attributes: Attrs) => JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));

/** The attributes a span's metrics carry: the conventions' subset of the span's own. */
function metricAttributes(span: OtlpSpan): Attrs {
  const out: Attrs = {};
  for (const key of METRIC_KEYS) if (span.attributes[key] !== undefined) out[key] = span.attributes[key]!;
  return out;
}

/** Values grouped by attributes, as the SDK aggregates them into one series per attribute set. */
function series(entries: Array<[Attrs, number]>): Map<string, { attributes: Attrs; values: number[] }> {
  const out = new Map<string, { attributes: Attrs; values: number[] }>();
  for (const [attributes, value] of entries) {
    const key = keyOf(attributes);
    if (!out.has(key)) out.set(key, { attributes, values: [] });
    out.get(key)!.values.push(value);
  }
  return out;
}

function bucketCounts(bounds: number[], values: number[]): number[] {
  const counts = bounds.map(() => 0).concat(0);
  for (const value of values) {
    const index = bounds.findIndex((bound) => value <= bound);
    counts[index === -1 ? bounds.length : index]! += 1;
  }
  return counts;
}

function only(metrics: OtlpMetric[], name: string, scope: string): OtlpMetric {
  const found = metrics.filter((m) => m.name === name && m.scope.name === scope);
  expect(found, `${name} from ${scope}`).toHaveLength(1);
  return found[0]!;
}

const sortPoints = <T extends { attributes: Attrs }>(points: T[]) => [...points].sort((a, b) => keyOf(a.attributes).localeCompare(keyOf(b.attributes)));

interface Receiver {
  url: string;
  requests: { protocol: string; metrics: OtlpMetric[] }[];
  rejected?: string[];
  metrics(): OtlpMetric[];
  close(): Promise<void>;
}

describe.each(['http/protobuf', 'http/json', 'grpc'] as const)('GenAI metrics over OTLP %s, app under --import', (protocol) => {
  let receiver: Receiver;
  let run: AppRun;

  beforeEach(async () => {
    receiver = protocol === 'grpc' ? await startOtlpGrpcMetricsReceiver() : await startOtlpMetricsReceiver();
  });
  afterEach(() => receiver.close());

  it('arrive at exit with the conventions’ names, units, buckets and attributes, matching the spans of the run', async () => {
    run = await runApp({
      module: 'esm',
      app: 'fixtures/metrics-three-backends.mjs',
      scenarios: [{ kind: 'error', status: 429 }],
      env: {
        OTEL_SERVICE_NAME: 'metrics-e2e',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: protocol,
      },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const observed = JSON.parse(run.stdout) as { failed: number; chunks: number };
    expect(observed.failed).toBe(429);
    expect(receiver.rejected ?? []).toEqual([]);
    // The export interval (60 s by default) never elapses: everything arrives in the export at shutdown.
    expect(receiver.requests.map((request) => request.protocol)).toEqual([protocol]);
    const metrics = receiver.metrics();
    const spans = run.spans.filter((span) => span.attributes['gen_ai.operation.name'] !== undefined);
    expect(spans).toHaveLength(5);

    const scopes = ['anthropic', 'groq', 'openai'].map((name) => `@llm-provenance/instrumentation-${name}`);
    expect([...new Set(metrics.map((m) => m.scope.name))].sort()).toEqual(scopes);
    for (const metric of metrics) {
      expect(metric.resource['service.name']).toBe('metrics-e2e');
      expect(metric.temporality).toBe(CUMULATIVE);
    }
    expect([...new Set(metrics.map((m) => `${m.name} ${m.type} ${m.unit}`))].sort()).toEqual([
      'gen_ai.client.cost sum {currency}',
      'gen_ai.client.operation.duration histogram s',
      'gen_ai.client.operation.time_per_output_chunk histogram s',
      'gen_ai.client.operation.time_to_first_chunk histogram s',
      'gen_ai.client.token.usage histogram {token}',
    ]);

    for (const scope of scopes) {
      const own = spans.filter((span) => span.scope.name === scope);
      expect(own.length).toBeGreaterThan(0);

      // Duration: every call, a failed one with its error.type.
      const durations = series(
        own.map((span) => {
          const attributes = metricAttributes(span);
          if (span.attributes['error.type'] !== undefined) attributes['error.type'] = span.attributes['error.type']!;
          return [attributes, Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9];
        }),
      );
      const duration = only(metrics, 'gen_ai.client.operation.duration', scope);
      expect(duration.description).toBe('GenAI operation duration.');
      expect(sortPoints(duration.points)).toEqual(
        sortPoints(
          [...durations.values()].map(({ attributes, values }) => ({
            attributes,
            count: values.length,
            sum: expect.any(Number),
            min: expect.any(Number),
            max: expect.any(Number),
            explicitBounds: SECONDS_BOUNDS,
            bucketCounts: expect.any(Array),
          })),
        ),
      );
      for (const point of duration.points) expect(point.bucketCounts!.reduce((a, b) => a + b, 0)).toBe(point.count);

      // Token usage: calls that did not fail, one series per token type, exact values and buckets.
      const succeeded = own.filter((span) => span.attributes['error.type'] === undefined);
      const usage = series(
        succeeded.flatMap((span): Array<[Attrs, number]> => [
          [{ ...metricAttributes(span), 'gen_ai.token.type': 'input' }, span.attributes['gen_ai.usage.input_tokens'] as number],
          [{ ...metricAttributes(span), 'gen_ai.token.type': 'output' }, span.attributes['gen_ai.usage.output_tokens'] as number],
        ]),
      );
      expect(sortPoints(only(metrics, 'gen_ai.client.token.usage', scope).points)).toEqual(
        sortPoints(
          [...usage.values()].map(({ attributes, values }) => ({
            attributes,
            count: values.length,
            sum: values.reduce((a, b) => a + b, 0),
            min: Math.min(...values),
            max: Math.max(...values),
            explicitBounds: TOKEN_BOUNDS,
            bucketCounts: bucketCounts(TOKEN_BOUNDS, values),
          })),
        ),
      );

      // Cost: a monotonic sum per currency and source, equal to the spans' amounts.
      const costs = series(
        own
          .filter((span) => span.attributes['gen_ai.usage.cost.amount'] !== undefined)
          .map((span) => [
            {
              ...metricAttributes(span),
              'gen_ai.usage.cost.currency': span.attributes['gen_ai.usage.cost.currency']!,
              'gen_ai.usage.cost.source': span.attributes['gen_ai.usage.cost.source']!,
            },
            span.attributes['gen_ai.usage.cost.amount'] as number,
          ]),
      );
      expect(costs.size).toBeGreaterThan(0);
      const cost = only(metrics, 'gen_ai.client.cost', scope);
      expect(cost.isMonotonic).toBe(true);
      expect(sortPoints(cost.points).map((p) => p.attributes)).toEqual(sortPoints([...costs.values()]).map((s) => s.attributes));
      for (const point of cost.points) {
        const expected = costs.get(keyOf(point.attributes))!.values.reduce((a, b) => a + b, 0);
        expect(point.value).toBeCloseTo(expected, 15);
      }
    }

    // Streams: the openai streamed chat, whose chunks the app counted (plus the usage chunk the
    // instrumentation asked for and hid from it), gives one time to first chunk and a time per later chunk.
    const [streamed] = spans.filter((span) => span.attributes['gen_ai.request.stream'] === true);
    const streamAttributes = metricAttributes(streamed!);
    const openai = '@llm-provenance/instrumentation-openai';
    expect(only(metrics, 'gen_ai.client.operation.time_to_first_chunk', openai).points).toEqual([
      {
        attributes: streamAttributes,
        count: 1,
        sum: expect.any(Number),
        min: expect.any(Number),
        max: expect.any(Number),
        explicitBounds: SECONDS_BOUNDS,
        bucketCounts: expect.any(Array),
      },
    ]);
    const perChunk = only(metrics, 'gen_ai.client.operation.time_per_output_chunk', openai);
    expect(perChunk.points).toEqual([
      {
        attributes: streamAttributes,
        count: observed.chunks,
        sum: expect.any(Number),
        min: expect.any(Number),
        max: expect.any(Number),
        explicitBounds: SECONDS_BOUNDS,
        bucketCounts: expect.any(Array),
      },
    ]);
    expect(perChunk.points[0]!.bucketCounts!.reduce((a, b) => a + b, 0)).toBe(observed.chunks);
  });
});
