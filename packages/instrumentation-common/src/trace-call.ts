import type { Tracer } from '@opentelemetry/api';
import type { CallHandling } from './call-handling.js';
import { GenAISpan, type GenAIPolicy, type GenAIRequest } from './genai-span.js';
import type { InternalErrorReporter } from './internal-errors.js';
import { TracedCall } from './traced-call.js';

export type { CallHandling, StreamAccumulator, StreamHandling } from './call-handling.js';

/** Where spans go and under which policy: one per instrumentation. */
export interface TraceTarget {
  tracer: Tracer;
  policy: GenAIPolicy;
  errors: InternalErrorReporter;
}

export interface TraceCallOptions<TResult> extends CallHandling, TraceTarget {
  /** Maps the SDK request; if it throws, the call proceeds untraced. */
  request: () => GenAIRequest;
  /** Performs the original SDK call (runs with the new span active). */
  invoke: () => TResult;
}

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/**
 * Starts the span of one call, or returns undefined (reported once through `target.errors`) when the
 * span cannot be set up: the caller then runs the call untraced.
 */
export function startTracedCall(target: TraceTarget, handling: CallHandling, request: GenAIRequest, args: readonly unknown[]): TracedCall | undefined {
  try {
    return new TracedCall(new GenAISpan(target.tracer, request, target.policy), handling, target.errors, args);
  } catch (err) {
    target.errors.report('request mapping', err);
    return undefined;
  }
}

/**
 * Traces one GenAI call: starts a CLIENT span, runs `invoke` in its context, and ends the span when the
 * result settles — or, for a streamed result, when the stream completes, fails, is stopped, aborted or
 * abandoned. Returns EXACTLY what `invoke` returned (the SDK's own promise object, not a wrapper) and
 * rethrows exactly what it threw. Our own failures are reported once through `errors` and never reach
 * the caller. Backends normally declare a `TracedMethod` instead (see patch-list.ts), which uses the
 * same machinery without a closure per call.
 */
export function traceGenAICall<TResult>(options: TraceCallOptions<TResult>): TResult {
  let request: GenAIRequest;
  try {
    request = options.request();
  } catch (err) {
    options.errors.report('request mapping', err);
    return options.invoke();
  }
  const call = startTracedCall(options, options, request, NO_ARGS);
  if (!call) return options.invoke();
  const result = call.invoke(options.invoke);
  call.observe(result);
  return result;
}
