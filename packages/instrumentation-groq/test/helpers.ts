import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { GroqInstrumentation, type GroqInstrumentationConfig } from '@llm-provenance/instrumentation-groq';

/** Loads groq-sdk through `require` from `from` (a package.json path), i.e. after patching. */
export function loadGroq(from: string): any {
  return support.loadSdk(from, 'groq-sdk', 'Groq');
}

/** The SDK majors under test: oldest (0.x) and newest (1.x) supported, pinned in test/compat. */
export const SDKS = {
  'groq-1': support.compatPackage('groq-1'),
  'groq-0': support.compatPackage('groq-0'),
} as const;

export type Tracing = support.Tracing<GroqInstrumentation>;

/** A tracer provider with an in-memory exporter, and the instrumentation enabled on it. */
export function setupTracing(config: GroqInstrumentationConfig = {}): Tracing {
  return support.setupTracing(new GroqInstrumentation(config));
}

/** Exactly `count` finished spans, once they have ended (span ends can trail the user's await by a tick). */
export function waitForSpans(tracing: Tracing, count: number): Promise<ReadableSpan[]> {
  return support.waitForSpans(tracing.exporter, count);
}
