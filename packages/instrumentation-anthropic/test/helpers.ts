import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from '@llm-provenance/instrumentation-anthropic';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Loads @anthropic-ai/sdk through `require` from `from` (a package.json path), i.e. after patching. */
export function loadAnthropic(from: string): any {
  const mod = createRequire(from)('@anthropic-ai/sdk');
  return mod.Anthropic ?? mod.default ?? mod;
}

/** The SDK copies under test: the package's own dev dependency (newest major) and the compat pins. */
export const SDKS = {
  'anthropic-1': path.join(repoRoot, 'test/compat/anthropic-1/package.json'),
  'anthropic-0': path.join(repoRoot, 'test/compat/anthropic-0/package.json'),
} as const;

export interface Tracing {
  exporter: InMemorySpanExporter;
  provider: NodeTracerProvider;
  instrumentation: AnthropicInstrumentation;
  spans(): ReadableSpan[];
}

/** A tracer provider with an in-memory exporter, and the instrumentation enabled on it. */
export function setupTracing(config: AnthropicInstrumentationConfig = {}, options: { global?: boolean } = {}): Tracing {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  if (options.global) provider.register();
  const instrumentation = new AnthropicInstrumentation(config);
  instrumentation.setTracerProvider(provider);
  instrumentation.enable();
  return { exporter, provider, instrumentation, spans: () => exporter.getFinishedSpans() };
}

/** Resolves once `count` spans have ended (span ends can trail the user's await by a tick). */
export async function waitForSpans(tracing: Tracing, count: number, timeoutMs = 5000): Promise<ReadableSpan[]> {
  const start = Date.now();
  while (tracing.spans().length < count) {
    if (Date.now() - start > timeoutMs) throw new Error(`expected ${count} spans, got ${tracing.spans().length}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return tracing.spans();
}
