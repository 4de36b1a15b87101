import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from '@llm-provenance/instrumentation-anthropic';

/** Loads @anthropic-ai/sdk through `require` from `from` (a package.json path), i.e. after patching. */
export function loadAnthropic(from: string): any {
  return support.loadSdk(from, '@anthropic-ai/sdk', 'Anthropic');
}

/** The SDK copies under test: the package's own dev dependency (newest major) and the compat pins. */
export const SDKS = {
  'anthropic-1': support.compatPackage('anthropic-1'),
  'anthropic-0': support.compatPackage('anthropic-0'),
} as const;

export interface Tracing extends support.Tracing<AnthropicInstrumentation> {
  spans(): ReadableSpan[];
}

/** A tracer provider with an in-memory exporter, and the instrumentation enabled on it. */
export function setupTracing(config: AnthropicInstrumentationConfig = {}, options: { global?: boolean } = {}): Tracing {
  const tracing = support.setupTracing(new AnthropicInstrumentation(config), options);
  return { ...tracing, spans: () => tracing.exporter.getFinishedSpans() };
}

/** Exactly `count` finished spans, once they have ended (span ends can trail the user's await by a tick). */
export function waitForSpans(tracing: Tracing, count: number): Promise<ReadableSpan[]> {
  return support.waitForSpans(tracing.exporter, count);
}
