import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { GroqInstrumentation, type GroqInstrumentationConfig } from '@llm-provenance/instrumentation-groq';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Loads groq-sdk through `require` from `from` (a package.json path), i.e. after patching. */
export function loadGroq(from: string): any {
  const mod = createRequire(from)('groq-sdk');
  return mod.Groq ?? mod.default ?? mod;
}

/** The SDK majors under test: oldest (0.x) and newest (1.x) supported, pinned in test/compat. */
export const SDKS = {
  'groq-1': path.join(repoRoot, 'test/compat/groq-1/package.json'),
  'groq-0': path.join(repoRoot, 'test/compat/groq-0/package.json'),
} as const;

export interface Tracing {
  exporter: InMemorySpanExporter;
  provider: NodeTracerProvider;
  instrumentation: GroqInstrumentation;
  spans(): ReadableSpan[];
}

/** A tracer provider with an in-memory exporter, and the instrumentation enabled on it. */
export function setupTracing(config: GroqInstrumentationConfig = {}): Tracing {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const instrumentation = new GroqInstrumentation(config);
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
