import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { OllamaInstrumentation, type OllamaInstrumentationConfig } from '@llm-provenance/instrumentation-ollama';

/**
 * A real tracer provider (registered globally) with an in-memory exporter, and the instrumentation
 * enabled on it. Call BEFORE loading the SDK: the require/import hook patches `ollama` as it loads.
 */
export function setupTracing(config: OllamaInstrumentationConfig = {}) {
  const tracing = support.setupTracing(new OllamaInstrumentation(config), { global: true });
  return {
    ...tracing,
    /**
     * Every span ended so far, once their exports are done (forceFlush). Call it after the calls under
     * test have returned: their spans have ended by then, so the list is final.
     */
    async spans(): Promise<ReadableSpan[]> {
      await tracing.provider.forceFlush();
      return tracing.exporter.getFinishedSpans();
    },
  };
}

/** Exactly `count` finished spans, once they have ended (streams end asynchronously after the consumer stops). */
export function waitForSpans(exporter: support.SpanRecorder, count: number): Promise<ReadableSpan[]> {
  return support.waitForSpans(exporter, count);
}
