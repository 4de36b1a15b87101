import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Instrumentation } from '@opentelemetry/instrumentation';

export interface TracingOptions {
  /** Register the provider as the global tracer provider (default false). */
  global?: boolean;
  /** Enable the instrumentation now (default true). Enable BEFORE loading an SDK: its require hook patches on load. */
  enable?: boolean;
}

export interface Tracing<I extends Instrumentation = Instrumentation> {
  exporter: InMemorySpanExporter;
  provider: TracerProvider;
  instrumentation: I;
}

/** A real tracer provider with an in-memory exporter, and `instrumentation` set on it (and enabled). */
export function setupTracing<I extends Instrumentation>(instrumentation: I, options: TracingOptions = {}): Tracing<I> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  if (options.global) registerGlobally(provider);
  instrumentation.setTracerProvider(provider);
  if (options.enable ?? true) instrumentation.enable();
  return { exporter, provider, instrumentation };
}

/**
 * What NodeTracerProvider.register() did before @opentelemetry/sdk-trace (the trace SDK of both the 2.x
 * and the 3.x line) left registration to the caller: AsyncLocalStorage context, W3C trace context and
 * baggage propagation, and `provider` as the global tracer provider.
 */
export function registerGlobally(provider: TracerProvider): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
}

export interface WaitForSpansOptions {
  timeoutMs?: number;
  /** How often to look (default 5 ms). */
  pollMs?: number;
  /** After `count` spans have ended, wait this long more so a late extra span (there must be none) shows up. */
  settleMs?: number;
  /** On timeout, throw (default) or return the spans there are, for the caller's assertion to report. */
  onTimeout?: 'throw' | 'return';
}

/** Resolves once `count` spans have ended: span ends can trail the user's await (streams end asynchronously). */
export async function waitForSpans(exporter: InMemorySpanExporter, count: number, options: WaitForSpansOptions = {}): Promise<ReadableSpan[]> {
  const { timeoutMs = 5000, pollMs = 5, settleMs = 0, onTimeout = 'throw' } = options;
  const deadline = Date.now() + timeoutMs;
  while (exporter.getFinishedSpans().length < count) {
    if (Date.now() > deadline) {
      if (onTimeout === 'return') return exporter.getFinishedSpans();
      throw new Error(`expected ${count} finished spans, have ${exporter.getFinishedSpans().length}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  return exporter.getFinishedSpans();
}
