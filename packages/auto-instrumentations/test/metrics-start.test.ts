import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNoopMeter, metrics } from '@opentelemetry/api';
import { AggregationTemporality, MetricReader } from '@opentelemetry/sdk-metrics';
import { start, type ProvenanceSDK } from '@llm-provenance/auto-instrumentations';
import { OpenAIInstrumentation } from '@llm-provenance/instrumentation-openai';
import { SpanRecorder, useEmulator, waitForSpans } from '@llm-provenance/test-support';

/** A reader collected on demand, handed to start() the way a test or an app adds its own. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const globalMeterIsNoop = () => metrics.getMeter('probe') === createNoopMeter();

describe('start() and the GenAI metrics', () => {
  const emu = useEmulator();
  const instrumentation = new OpenAIInstrumentation();
  let sdk: ProvenanceSDK | undefined;
  let OpenAI: any;

  beforeAll(() => {
    instrumentation.enable();
    OpenAI = createRequire(import.meta.url)('openai');
  });
  afterEach(async () => {
    await sdk?.shutdown();
    sdk = undefined;
  });
  afterAll(() => instrumentation.disable());

  it('hands its MeterProvider to the instrumentations, and unregisters it at shutdown', async () => {
    expect(globalMeterIsNoop()).toBe(true);
    const reader = new OnDemandReader();
    const spans = new SpanRecorder();
    sdk = start({
      store: false,
      exitHooks: false,
      instrumentations: [instrumentation],
      spanExporters: [spans],
      metricReaders: [reader],
      env: {},
      serviceName: 'metrics-start',
    });
    expect(globalMeterIsNoop()).toBe(false);
    const client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }] });
    await sdk.forceFlush();
    await waitForSpans(spans, 1); // the span (and with it the call's measurements) can end just after the await
    const { resourceMetrics } = await reader.collect();
    expect(resourceMetrics.resource.attributes['service.name']).toBe('metrics-start');
    const names = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => `${scope.scope.name} ${m.descriptor.name}`)).sort();
    expect(names).toEqual([
      '@llm-provenance/instrumentation-openai gen_ai.client.cost',
      '@llm-provenance/instrumentation-openai gen_ai.client.operation.duration',
      '@llm-provenance/instrumentation-openai gen_ai.client.token.usage',
    ]);
    await sdk.shutdown();
    sdk = undefined;
    expect(globalMeterIsNoop()).toBe(true);
  });
});
