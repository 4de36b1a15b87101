import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from '@llm-provenance/instrumentation-google-genai';

export { captureDiagWarnings, installedVersion } from '@llm-provenance/test-support';

/** Real tracer provider (registered globally) + in-memory exporter, instrumentation enabled; call BEFORE loading an SDK. */
export function setupTracing(config: GoogleGenAIInstrumentationConfig = {}): Tracing {
  return support.setupTracing(new GoogleGenAIInstrumentation(config), { global: true });
}

export type Tracing = support.Tracing<GoogleGenAIInstrumentation>;

/**
 * Exactly `count` finished spans, once they have ended (streams end after the consumer stops); a span
 * beyond `count` that has ended by then fails the test.
 */
export function waitForSpans(exporter: support.SpanRecorder, count: number): Promise<ReadableSpan[]> {
  return support.waitForSpans(exporter, count);
}
