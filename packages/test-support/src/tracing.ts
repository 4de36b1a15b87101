import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Instrumentation } from '@opentelemetry/instrumentation';

export interface TracingOptions {
  /** Register the provider as the global tracer provider (default false). */
  global?: boolean;
  /** Enable the instrumentation now (default true). Enable BEFORE loading an SDK: its require hook patches on load. */
  enable?: boolean;
}

/**
 * An InMemorySpanExporter that tells waiting tests when spans arrive, so a test awaits the spans it
 * expects instead of polling for them.
 */
export class SpanRecorder extends InMemorySpanExporter {
  readonly #listeners = new Set<() => void>();

  override export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    super.export(spans, resultCallback);
    for (const listener of [...this.#listeners]) listener();
  }

  /**
   * Resolves with the finished spans once at least `count` have been exported; rejects after
   * `timeoutMs` (a bound on a failing test, never a pause in a passing one).
   */
  whenSpans(count: number, timeoutMs: number): Promise<ReadableSpan[]> {
    if (this.getFinishedSpans().length >= count) return Promise.resolve(this.getFinishedSpans());
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.getFinishedSpans().length < count) return;
        stop();
        resolve(this.getFinishedSpans());
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`expected ${count} finished spans, have ${describeSpans(this.getFinishedSpans())} after ${timeoutMs} ms`));
      }, timeoutMs);
      const stop = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
    });
  }
}

function describeSpans(spans: ReadableSpan[]): string {
  return spans.length === 0 ? 'none' : `${spans.length} (${spans.map((s) => s.name).join(', ')})`;
}

export interface Tracing<I extends Instrumentation = Instrumentation> {
  exporter: SpanRecorder;
  provider: TracerProvider;
  instrumentation: I;
}

/** A real tracer provider with an in-memory exporter, and `instrumentation` set on it (and enabled). */
export function setupTracing<I extends Instrumentation>(instrumentation: I, options: TracingOptions = {}): Tracing<I> {
  const exporter = new SpanRecorder();
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
  /** How long a missing span may take before the test fails (default 5000 ms). */
  timeoutMs?: number;
}

/**
 * The finished spans, once `count` have ended: span ends can trail the user's await (a stream's span ends
 * when the stream does). Call it after the calls under test have returned and their streams have been read
 * or abandoned; spans beyond `count` that have ended by then are an error (a call traced twice), so the
 * result is exactly `count` spans.
 */
export async function waitForSpans(exporter: SpanRecorder, count: number, options: WaitForSpansOptions = {}): Promise<ReadableSpan[]> {
  const spans = await exporter.whenSpans(count, options.timeoutMs ?? 5000);
  if (spans.length > count) throw new Error(`expected ${count} finished spans, have ${describeSpans(spans)}`);
  return spans;
}
