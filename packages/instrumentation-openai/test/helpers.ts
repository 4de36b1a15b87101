import path from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as support from '@llm-provenance/test-support';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '@llm-provenance/instrumentation-openai';

export const { repoRoot, nodeMajor } = support;

/**
 * openai majors under test: 4, 5 and 7 from test/compat, 6 = this package's devDependency.
 * openai 7 declares engines node >= 22, so it is skipped (with that reason) on Node 20.
 */
export const MAJORS = [
  { major: 4, label: '4', from: support.compatPackage('openai-4'), available: true },
  { major: 5, label: '5', from: support.compatPackage('openai-5'), available: true },
  { major: 6, label: '6', from: path.join(repoRoot, 'packages/instrumentation-openai/package.json'), available: true },
  {
    major: 7,
    label: nodeMajor >= 22 ? '7' : '7 (skipped: openai 7 requires Node >= 22)',
    from: support.compatPackage('openai-7'),
    available: nodeMajor >= 22,
  },
];

/**
 * Tracer provider (registered globally) + in-memory exporter + the instrumentation, enabled by its
 * constructor BEFORE any openai copy is loaded. SDKs must then be loaded with `loadOpenAI` (createRequire).
 */
export function setupTracing(config: OpenAIInstrumentationConfig = {}) {
  return support.setupTracing(new OpenAIInstrumentation(config), { global: true, enable: false });
}

export function loadOpenAI(from: string): any {
  return support.loadSdk(from, 'openai', 'OpenAI');
}

/** Exactly `count` finished spans, once they have ended (stream spans end when the stream does). */
export function finishedSpans(exporter: support.SpanRecorder, count = 1): Promise<ReadableSpan[]> {
  return support.waitForSpans(exporter, count);
}

/** Content attributes as parsed JSON, for readable assertions. */
export function json(value: unknown): unknown {
  return JSON.parse(String(value));
}
