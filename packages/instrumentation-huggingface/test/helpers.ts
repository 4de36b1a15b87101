import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { HuggingFaceInstrumentation, type HuggingFaceInstrumentationConfig } from '@llm-provenance/instrumentation-huggingface';

/** This package's own package.json: `@huggingface/inference` as the package installs it (the newest 4.x). */
const OWN_PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../package.json');

/**
 * The SDK releases under test: the newest 4.x and the oldest supported, 4.0.x (test/compat), which sends
 * `textGeneration` to TGI's native routes where newer releases use the Messages API's `/v1/completions`.
 */
export const SDKS = {
  'inference-4-newest': OWN_PACKAGE,
  'inference-4.0': support.compatPackage('huggingface-inference-4.0'),
} as const;

/** Loads `@huggingface/inference` through `require` resolved from `from` (a package.json path), i.e. after patching. */
export function loadHfInference(from: string = OWN_PACKAGE): any {
  return createRequire(from)('@huggingface/inference');
}

export type Tracing = support.Tracing<HuggingFaceInstrumentation>;

/** A tracer provider with an in-memory exporter, and the instrumentation enabled on it. */
export function setupTracing(config: HuggingFaceInstrumentationConfig = {}): Tracing {
  return support.setupTracing(new HuggingFaceInstrumentation(config));
}

/** Exactly `count` finished spans, once they have ended. */
export function waitForSpans(tracing: Tracing, count: number): Promise<ReadableSpan[]> {
  return support.waitForSpans(tracing.exporter, count);
}

/** The conventions' JSON of one user message per text. */
export const userMessages = (...texts: string[]) => JSON.stringify(texts.map((content) => ({ role: 'user', parts: [{ type: 'text', content }] })));

/** The conventions' JSON of one assistant text output. */
export const textOutput = (content: string, finishReason = 'stop') =>
  JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content }], finish_reason: finishReason }]);

/**
 * What the span of `textGeneration({ inputs: 'tell me a story', parameters: { max_new_tokens: 3, details: true } })`
 * says of the answer of the TGI emulator at `url`. TGI's `details` (native route, SDK 4.0.x) give the
 * finish reason and the generated tokens (the prompt's only with decoder_input_details); through
 * /v1/completions (later 4.x) the SDK keeps only the text, and the `text_completion` it was made from
 * gives id, model, finish reason and usage.
 */
export function toldStoryResponse(native: boolean, url: string): Record<string, unknown> {
  const output = { 'gen_ai.response.finish_reasons': ['length'], 'gen_ai.output.messages': textOutput('Echo: tell me', 'length') };
  if (native) return { ...output, 'gen_ai.usage.output_tokens': 3 };
  return { ...output, 'gen_ai.response.id': 'cmpl-emu-1', 'gen_ai.response.model': url, 'gen_ai.usage.input_tokens': 4, 'gen_ai.usage.output_tokens': 3 };
}
