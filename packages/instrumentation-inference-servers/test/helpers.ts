import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { InferenceServersInstrumentation, type InferenceServersInstrumentationConfig } from '@llm-provenance/instrumentation-inference-servers';

export type Tracing = support.Tracing<InferenceServersInstrumentation>;

/** A tracer provider with an in-memory exporter, and the instrumentation enabled on it. */
export function setupTracing(config: InferenceServersInstrumentationConfig = {}): Tracing {
  return support.setupTracing(new InferenceServersInstrumentation(config));
}

/** Exactly `count` finished spans, once they have ended. */
export function waitForSpans(tracing: Tracing, count: number): Promise<ReadableSpan[]> {
  return support.waitForSpans(tracing.exporter, count);
}
