import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OllamaInstrumentation, type OllamaInstrumentationConfig } from '@llm-provenance/instrumentation-ollama';

/**
 * A real tracer provider with an in-memory exporter, and the instrumentation enabled on it. Call BEFORE
 * loading the SDK: the require/import hook patches `ollama` as it loads.
 */
export function setupTracing(config: OllamaInstrumentationConfig = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  const instrumentation = new OllamaInstrumentation(config);
  instrumentation.setTracerProvider(provider);
  instrumentation.enable();
  return {
    exporter,
    provider,
    instrumentation,
    /** The finished spans so far, after letting pending microtasks/IO settle. */
    async spans(): Promise<ReadableSpan[]> {
      await new Promise((r) => setTimeout(r, 20));
      return exporter.getFinishedSpans();
    },
  };
}

/** Waits until `count` spans have ended (streams end asynchronously after the consumer stops). */
export async function waitForSpans(exporter: InMemorySpanExporter, count: number, timeoutMs = 5000): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  while (exporter.getFinishedSpans().length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} finished spans, have ${exporter.getFinishedSpans().length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return exporter.getFinishedSpans();
}
