import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_PROVENANCE_ROUTE_ATTEMPT,
  ATTR_PROVENANCE_ROUTE_BACKEND,
  ATTR_PROVENANCE_ROUTE_CANDIDATES,
  ATTR_PROVENANCE_ROUTE_REASON,
  ROUTE_REASON_FALLBACK_AFTER_ERROR,
  ROUTE_REASON_PREFERRED,
  ROUTE_REASON_RATE_LIMITED,
} from '@llm-provenance/semantic-conventions';
import { setAttribution } from './attribution.js';
import { httpStatusOf } from './errors.js';

export interface RouteDecision {
  /** The backends that were considered (names as you call them: 'openai', 'local-vllm', ...). */
  candidates: readonly string[];
  /** The backend chosen. */
  choice: string;
  /** Why: `cheapest`, `latency`, `rate_limited`, `fallback_after_error`, or your own. */
  reason: string;
}

const TRACER_NAME = '@llm-provenance/instrumentation-common';
const TRACER_VERSION = '0.1.0';

/**
 * Records a route decision and runs the call it leads to: a `route <choice>` span carrying the
 * candidates, the choice and the reason, parent of every span `fn` starts, and `routeBackend` /
 * `routeReason` attribution (`provenance.route.backend`, `provenance.route.reason`) on the model call's
 * GenAI span. The span ends when `fn`'s promise settles (or `fn` returns); `fn`'s result or error is
 * passed through unchanged.
 *
 *     const reply = await routeCall({ candidates: ['openai', 'groq'], choice: 'groq', reason: 'cheapest' },
 *       () => groq.chat.completions.create({ ... }));
 */
export function routeCall<T>(decision: RouteDecision, fn: () => T): T {
  checkDecision(decision);
  const span = trace.getTracer(TRACER_NAME, TRACER_VERSION).startSpan(`route ${decision.choice}`, {
    attributes: {
      [ATTR_PROVENANCE_ROUTE_CANDIDATES]: [...decision.candidates],
      [ATTR_PROVENANCE_ROUTE_BACKEND]: decision.choice,
      [ATTR_PROVENANCE_ROUTE_REASON]: decision.reason,
    },
  });
  return runInRoute(span, decision, fn);
}

function runInRoute<T>(span: Span, decision: RouteDecision, fn: () => T): T {
  const ctx = setAttribution(trace.setSpan(context.active(), span), { routeBackend: decision.choice, routeReason: decision.reason });
  let result: T;
  try {
    result = context.with(ctx, fn);
  } catch (err) {
    failSpan(span, err);
    throw err;
  }
  const pending = result as unknown as PromiseLike<unknown> | undefined;
  if (pending && typeof pending.then === 'function') {
    pending.then(
      () => span.end(),
      (err: unknown) => failSpan(span, err),
    );
  } else {
    span.end();
  }
  return result;
}

function failSpan(span: Span, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  const status = httpStatusOf(err);
  if (status !== undefined) span.setAttribute('error.type', String(status));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}

function checkDecision(decision: RouteDecision): void {
  if (!decision || !Array.isArray(decision.candidates) || decision.candidates.some((c) => typeof c !== 'string' || c === '')) {
    throw new TypeError('routeCall: "candidates" must be an array of non-empty strings');
  }
  if (typeof decision.choice !== 'string' || decision.choice === '') throw new TypeError('routeCall: "choice" must be a non-empty string');
  if (typeof decision.reason !== 'string' || decision.reason === '') throw new TypeError('routeCall: "reason" must be a non-empty string');
}

/** One backend for `routeWithFallback`: its name and the call that uses it. */
export interface RouteBackend<T> {
  name: string;
  call: () => Promise<T>;
}

export interface FallbackOptions {
  /** The reason recorded for the first backend (default `preferred`). */
  reason?: string;
  /**
   * Whether an error of a backend moves on to the next one. Default: HTTP 429 (recorded as
   * `rate_limited`), any 5xx, and errors without an HTTP status (connection refused, timeouts), recorded
   * as `fallback_after_error`. Other 4xx errors are the caller's and are thrown at once.
   */
  shouldFallback?: (err: unknown) => boolean;
}

/**
 * Tries `backends` in order until one succeeds: each try is a `routeCall` (its own route span, parent of
 * that backend's model call), the first with `options.reason`, each next one with `rate_limited` when the
 * previous backend answered 429 and `fallback_after_error` otherwise. Throws the last error when every
 * backend failed, or the first error that `shouldFallback` rejects.
 */
export async function routeWithFallback<T>(backends: ReadonlyArray<RouteBackend<T>>, options: FallbackOptions = {}): Promise<T> {
  if (typeof backends?.length !== 'number' || backends.length === 0) throw new TypeError('routeWithFallback: "backends" must be a non-empty array');
  const candidates = backends.map((b) => b.name);
  const shouldFallback = options.shouldFallback ?? defaultShouldFallback;
  let reason = options.reason ?? ROUTE_REASON_PREFERRED;
  for (let i = 0; ; i++) {
    const backend = backends[i];
    try {
      return await routeAttempt({ candidates, choice: backend.name, reason }, i + 1, backend.call);
    } catch (err) {
      if (i === backends.length - 1 || !shouldFallback(err)) throw err;
      reason = httpStatusOf(err) === 429 ? ROUTE_REASON_RATE_LIMITED : ROUTE_REASON_FALLBACK_AFTER_ERROR;
    }
  }
}

function routeAttempt<T>(decision: RouteDecision, attempt: number, fn: () => Promise<T>): Promise<T> {
  checkDecision(decision);
  const span = trace.getTracer(TRACER_NAME, TRACER_VERSION).startSpan(`route ${decision.choice}`, {
    attributes: {
      [ATTR_PROVENANCE_ROUTE_CANDIDATES]: [...decision.candidates],
      [ATTR_PROVENANCE_ROUTE_BACKEND]: decision.choice,
      [ATTR_PROVENANCE_ROUTE_REASON]: decision.reason,
      [ATTR_PROVENANCE_ROUTE_ATTEMPT]: attempt,
    },
  });
  return runInRoute(span, decision, fn);
}

function defaultShouldFallback(err: unknown): boolean {
  const status = httpStatusOf(err);
  return status === undefined || status === 429 || status >= 500;
}
