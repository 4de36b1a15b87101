import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
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

describe('start() when the app registered a MeterProvider of its own first', () => {
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

  it('still records the GenAI metrics into its own provider, and leaves the app’s global one in place', async () => {
    const foreignReader = new OnDemandReader();
    const foreign = new MeterProvider({ readers: [foreignReader] });
    metrics.setGlobalMeterProvider(foreign);
    const reader = new OnDemandReader();
    const spans = new SpanRecorder();
    sdk = start({ store: false, exitHooks: false, instrumentations: [instrumentation], spanExporters: [spans], metricReaders: [reader], env: {} });
    const client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }] });
    await sdk.forceFlush(); // the extra span exporter sits behind a batch processor
    await waitForSpans(spans, 1);
    const names = async (from: MetricReader) =>
      (await from.collect()).resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => m.descriptor.name)).sort();
    expect(await names(reader)).toEqual(['gen_ai.client.cost', 'gen_ai.client.operation.duration', 'gen_ai.client.token.usage']);
    expect(await names(foreignReader)).toEqual([]);
    await sdk.shutdown();
    sdk = undefined;
    expect(metrics.getMeterProvider()).toBe(foreign);
    await foreign.shutdown();
  });
});
