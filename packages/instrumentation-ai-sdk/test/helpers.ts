import type { Attributes } from '@opentelemetry/api';
import { AnthropicInstrumentation } from '@llm-provenance/instrumentation-anthropic';
import { OpenAIInstrumentation } from '@llm-provenance/instrumentation-openai';
import * as support from '@llm-provenance/test-support';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AiSdkInstrumentation } from '@llm-provenance/instrumentation-ai-sdk';

export const API_KEY = 'sk-ai-sdk-test-0123456789';

/**
 * One global tracer provider (the AI SDK's own telemetry asks the global API for its tracer) with the AI
 * SDK instrumentation and, on the same provider, the openai and anthropic instrumentations: the reference
 * a call through the AI SDK is compared with. All enabled before the vendor SDKs are loaded (`loadSdk`).
 */
export function setupTracing() {
  const tracing = support.setupTracing(new AiSdkInstrumentation(), { global: true });
  for (const reference of [new OpenAIInstrumentation(), new AnthropicInstrumentation()]) {
    reference.setTracerProvider(tracing.provider);
    reference.enable();
  }
  return tracing;
}

const PACKAGE_JSON = new URL('../package.json', import.meta.url).pathname;

export function loadOpenAI(): any {
  return support.loadSdk(PACKAGE_JSON, 'openai', 'OpenAI');
}

export function loadAnthropic(): any {
  return support.loadSdk(PACKAGE_JSON, '@anthropic-ai/sdk', 'Anthropic');
}

/** The spans that are GenAI calls, as the store and `report` count them: those naming an operation or a provider. */
export function genAISpans(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((s) => typeof s.attributes['gen_ai.operation.name'] === 'string' || typeof s.attributes['gen_ai.provider.name'] === 'string');
}

/** A span's attributes without the one whose value is a timing (it differs between any two calls). */
export function withoutTiming(attributes: Attributes): Attributes {
  const { ['gen_ai.response.time_to_first_chunk']: _ttfc, ...rest } = attributes;
  return rest;
}

export function parentOf(span: ReadableSpan): string | undefined {
  const s = span as ReadableSpan & { parentSpanId?: string; parentSpanContext?: { spanId: string } };
  return s.parentSpanContext?.spanId ?? s.parentSpanId;
}
