import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { HuggingFaceInstrumentation, type HuggingFaceInstrumentationConfig } from '@llm-provenance/instrumentation-huggingface';

/** Loads `@huggingface/inference` through `require` (after patching), as this package installs it. */
export function loadHfInference(): any {
  return createRequire(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../package.json'))('@huggingface/inference');
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
