import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
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
    /** The finished spans so far, after letting pending microtasks/IO settle. */
    async spans(): Promise<ReadableSpan[]> {
      await new Promise((r) => setTimeout(r, 20));
      return tracing.exporter.getFinishedSpans();
    },
  };
}

/** Waits until `count` spans have ended (streams end asynchronously after the consumer stops). */
export function waitForSpans(exporter: InMemorySpanExporter, count: number): Promise<ReadableSpan[]> {
  return support.waitForSpans(exporter, count, { pollMs: 10 });
}
