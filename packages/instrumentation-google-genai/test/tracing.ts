import type { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from '@llm-provenance/instrumentation-google-genai';

export { captureDiagWarnings, installedVersion } from '@llm-provenance/test-support';

/** Real tracer provider (registered globally) + in-memory exporter, instrumentation enabled; call BEFORE loading an SDK. */
export function setupTracing(config: GoogleGenAIInstrumentationConfig = {}): Tracing {
  return support.setupTracing(new GoogleGenAIInstrumentation(config), { global: true });
}

export type Tracing = support.Tracing<GoogleGenAIInstrumentation>;

/**
 * Waits until `count` spans have ended (streams end after the consumer stops), then lets a late extra
 * span (there must be none) show up before the caller counts.
 */
export function waitForSpans(exporter: InMemorySpanExporter, count: number): Promise<ReadableSpan[]> {
  return support.waitForSpans(exporter, count, { pollMs: 10, settleMs: 20 });
}
