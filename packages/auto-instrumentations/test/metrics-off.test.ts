import { afterAll, describe, expect, it } from 'vitest';
import { createNoopMeter, metrics } from '@opentelemetry/api';
import { start } from '@llm-provenance/auto-instrumentations';
import { OpenAIInstrumentation } from '@llm-provenance/instrumentation-openai';

describe('start() without metrics', () => {
  const instrumentation = new OpenAIInstrumentation();
  afterAll(() => instrumentation.disable());

  it('registers no MeterProvider, even with an OTLP endpoint configured for traces', async () => {
    const sdk = start({ store: false, exitHooks: false, instrumentations: [instrumentation], env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' } });
    try {
      expect(sdk.metrics).toEqual({ otlp: false, console: false, exportIntervalMillis: 60000, exportTimeoutMillis: 30000 });
      expect(metrics.getMeter('probe')).toBe(createNoopMeter());
    } finally {
      await sdk.shutdown();
    }
  });
});
