import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from '@llm-provenance/instrumentation-google-genai';

/** Real tracer provider + in-memory exporter, instrumentation enabled; call BEFORE loading an SDK. */
export function setupTracing(config: GoogleGenAIInstrumentationConfig = {}) {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  const instrumentation = new GoogleGenAIInstrumentation(config);
  instrumentation.setTracerProvider(provider);
  instrumentation.enable();
  return { exporter, provider, instrumentation };
}

export type Tracing = ReturnType<typeof setupTracing>;

/** Waits until `count` spans have ended (streams end after the consumer stops). */
export async function waitForSpans(exporter: InMemorySpanExporter, count: number, timeoutMs = 5000): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  while (exporter.getFinishedSpans().length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} finished spans, have ${exporter.getFinishedSpans().length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  // Let a late extra span (there must be none) show up before the caller counts.
  await new Promise((r) => setTimeout(r, 20));
  return exporter.getFinishedSpans();
}

/** Records diag warnings (a component logger prefixes its namespace) while `fn` runs. */
export async function captureDiagWarnings(fn: () => unknown): Promise<string[]> {
  const warnings: string[] = [];
  const noop = () => {};
  diag.setLogger({ warn: (...args: unknown[]) => warnings.push(args.join(' ')), error: noop, info: noop, debug: noop, verbose: noop }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  try {
    await fn();
  } finally {
    diag.disable();
  }
  return warnings;
}

/** The installed version of `name` as `req` resolves it (@google/genai does not export package.json). */
export function installedVersion(req: NodeRequire, name: string): string {
  let dir = path.dirname(req.resolve(name));
  while (!existsSync(path.join(dir, 'package.json')) || JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json for ${name}`);
    dir = parent;
  }
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}
