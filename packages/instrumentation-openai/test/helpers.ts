import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '@llm-provenance/instrumentation-openai';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const nodeMajor = Number(process.versions.node.split('.')[0]);

/**
 * openai majors under test: 4 and 7 from test/compat, 6 = this package's devDependency.
 * openai 7 declares engines node >= 22, so it is skipped (with that reason) on Node 20.
 */
export const MAJORS = [
  { major: 4, label: '4', from: path.join(repoRoot, 'test/compat/openai-4/package.json'), available: true },
  { major: 6, label: '6', from: path.join(repoRoot, 'packages/instrumentation-openai/package.json'), available: true },
  {
    major: 7,
    label: nodeMajor >= 22 ? '7' : '7 (skipped: openai 7 requires Node >= 22)',
    from: path.join(repoRoot, 'test/compat/openai-7/package.json'),
    available: nodeMajor >= 22,
  },
];

/**
 * Tracer provider + in-memory exporter + the instrumentation, enabled BEFORE any openai copy is loaded.
 * SDKs must then be loaded with `loadOpenAI` (createRequire): vitest loads bare imports natively as ESM,
 * which require-in-the-middle cannot see.
 */
export function setupTracing(config: OpenAIInstrumentationConfig = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  const instrumentation = new OpenAIInstrumentation(config);
  instrumentation.setTracerProvider(provider);
  return { exporter, provider, instrumentation };
}

export function loadOpenAI(from: string): any {
  const mod = createRequire(from)('openai');
  return mod.OpenAI ?? mod.default ?? mod;
}

/** Finished spans, waiting briefly for stream spans that end asynchronously. */
export async function finishedSpans(exporter: InMemorySpanExporter, count = 1, timeoutMs = 2000): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  while (exporter.getFinishedSpans().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return exporter.getFinishedSpans();
}

/** Content attributes as parsed JSON, for readable assertions. */
export function json(value: unknown): unknown {
  return JSON.parse(String(value));
}
