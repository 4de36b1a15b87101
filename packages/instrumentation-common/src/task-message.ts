import { context, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { attributionFromBaggageHeader, continueFromHeaders, propagationHeaders } from './attribution-propagation.js';
import { setAttribution } from './attribution.js';

/**
 * A task as posted to a `worker_threads` Worker or a `child_process.fork` child: the payload plus the
 * dispatcher's trace context and attribution, as the same W3C `traceparent`/`tracestate`/`baggage` text the
 * HTTP propagation sends. Plain data, so it survives structured clone and the IPC channel's JSON.
 */
export interface TaskMessage<T> {
  payload: T;
  provenance: Record<string, string>;
}

/** `payload` wrapped with the active trace context and attribution, to `postMessage`/`send` to a worker. */
export function taskMessage<T>(payload: T, ctx: Context = context.active()): TaskMessage<T> {
  return { payload, provenance: propagationHeaders(ctx) };
}

/** Whether `message` was made by `taskMessage`. */
export function isTaskMessage(message: unknown): message is TaskMessage<unknown> {
  if (typeof message !== 'object' || message === null) return false;
  const provenance = (message as { provenance?: unknown }).provenance;
  return 'payload' in message && typeof provenance === 'object' && provenance !== null;
}

/**
 * Runs `fn(payload)` in the dispatcher's context carried by `message` (see `taskMessage`): spans started
 * inside are children of the span that dispatched the task and carry its attribution. The worker trusts
 * its own dispatcher, so the attribution is this process's own (it still passes the same bounds as a
 * `baggage` header); a `withAttribution` inside `fn` refines it. A message that is not a task message runs `fn` in the active context.
 */
export function runWithTaskContext<T, R>(message: TaskMessage<T>, fn: (payload: T) => R): R {
  if (!isTaskMessage(message)) return fn((message as { payload?: T } | null | undefined)?.payload as T);
  const carried = message.provenance;
  const headers: Record<string, string> = {};
  for (const key of ['traceparent', 'tracestate', 'baggage']) {
    const value = (carried as Record<string, unknown>)[key];
    if (typeof value === 'string') headers[key] = value;
  }
  const base = continueFromHeaders(ROOT_CONTEXT, { traceparent: headers.traceparent, tracestate: headers.tracestate });
  const ctx = setAttribution(base, attributionFromBaggageHeader(headers.baggage));
  return context.with(ctx, () => fn(message.payload));
}
