import type { StreamAccumulator, StreamHandling } from './call-handling.js';
import type { GenAISpan } from './genai-span.js';
import type { InternalErrorReporter } from './internal-errors.js';
import { observeAsyncIterable, type StreamOutcome } from './stream.js';

/** What a stream observer needs from the call it belongs to (a `TracedCall`); it never sees the stream. */
export interface StreamCall {
  readonly span: GenAISpan;
  readonly errors: InternalErrorReporter;
  readonly args: readonly unknown[];
  /** Records a failure (onError hook, error type, status) without ending the span. */
  recordFailure(err: unknown): void;
}

/**
 * Observes a streamed result in place and ends the call's span when the stream ends. Returns false when
 * `stream` is no stream shape we know (the caller then ends the span).
 *
 * V8 keeps every variable a closure mentions in one context shared by all closures of the function: no
 * closure in THIS function may mention `stream`, or the stream could never be collected (abandonment).
 * Code that needs it lives in helpers (`readAbortSignal`, `interposeAbortMethods`).
 */
export function observeStream(stream: object, handling: StreamHandling, call: StreamCall): boolean {
  const { span, errors } = call;
  const accumulator = handling.accumulator({ captureContent: span.captureContent });
  const signal = readAbortSignal(handling, stream, call);
  const abortErrorType = handling.abortErrorType ?? 'AbortError';
  const progress = { chunks: 0 };
  interposeAbortMethods(stream, handling, span, accumulator, errors, abortErrorType, progress);
  return observeAsyncIterable(stream, {
    onChunk(chunk) {
      progress.chunks += 1;
      span.markChunk();
      accumulator.onChunk(chunk);
    },
    onEnd(outcome: StreamOutcome) {
      errors.guard('stream result', () => span.recordResponse(accumulator.result()), undefined);
      if (outcome.kind === 'error') {
        call.recordFailure(outcome.error);
      } else if (outcome.kind === 'completed' && signal?.aborted && !errors.guard('stream completeness', () => accumulator.isComplete?.() ?? false, false)) {
        span.recordError(namedError('The stream was aborted before it completed', abortErrorType), abortErrorType);
      }
      span.end(outcome.kind === 'abandoned' ? outcome.lastActivity : undefined);
    },
    onInternalError(where, err) {
      errors.report(where, err);
    },
  });
}

/** An Error named `name`: the exception event of a synthetic abort names the SDK's abort error type. */
function namedError(message: string, name: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

function readAbortSignal(handling: StreamHandling, stream: object, call: StreamCall): AbortSignal | undefined {
  return call.errors.guard('abort signal', () => handling.abortSignal?.(stream, call.args), undefined);
}

/**
 * Ends the span when one of `handling.abortMethods` is called on the stream. A separate function (not
 * inline in observeStream) so that the closures mentioning `stream` live in their own V8 context.
 */
function interposeAbortMethods(
  stream: object,
  handling: StreamHandling,
  span: GenAISpan,
  accumulator: StreamAccumulator,
  errors: InternalErrorReporter,
  abortErrorType: string,
  progress: { chunks: number },
): void {
  for (const method of handling.abortMethods ?? []) {
    errors.guard('abort method', () => wrapAbortMethod(stream, method, () => {
      // Once chunks are flowing, a consumer is iterating: how the iteration ends decides (an AbortError
      // from the next read, or completion when the rest was already buffered — the user got it all).
      // Before any chunk, nobody may ever read again, so the abort ends the span here.
      if (span.isEnded || progress.chunks > 0) return;
      errors.guard('stream result', () => span.recordResponse(accumulator.result()), undefined);
      span.recordError(namedError(`The stream was aborted (${method}())`, abortErrorType), abortErrorType);
      span.end();
    }), undefined);
  }
}

/** Wraps `stream[method]` on the instance so `onAborted` runs after the SDK's own method. */
function wrapAbortMethod(stream: object, method: string, onAborted: () => void): void {
  const original = (stream as Record<string, unknown>)[method];
  if (typeof original !== 'function') return;
  Object.defineProperty(stream, method, {
    value: function abortAndEndSpan(this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      try {
        onAborted();
      } catch {
        // never let our bookkeeping break the user's abort()
      }
      return result;
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
