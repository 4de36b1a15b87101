import { context, type Tracer } from '@opentelemetry/api';
import { GenAISpan, type GenAIPolicy, type GenAIRequest, type GenAIResponse } from './genai-span.js';
import { isStainlessApiPromise, observeApiPromise } from './api-promise.js';
import { errorTypeOf } from './errors.js';
import { InternalErrorReporter } from './internal-errors.js';
import { isAsyncIterable, observeAsyncIterable, type StreamOutcome } from './stream.js';

/**
 * Maps the chunks of ONE stream to a response. A fresh one is made per stream; it must not keep a
 * reference to the stream object (that would defeat abandonment detection).
 */
export interface StreamAccumulator<TChunk = any> {
  onChunk(chunk: TChunk): void;
  /** The response so far; called once when the stream ends (completed, failed, stopped or abandoned). */
  result(): GenAIResponse | undefined;
  /**
   * Whether the provider's terminal chunk was seen (e.g. every choice has a finish_reason). Used to tell
   * an aborted stream from one whose abort came after the last chunk was already received. Without it,
   * a stream that ends while its abort signal is aborted always counts as aborted.
   */
  isComplete?(): boolean;
}

export interface StreamHandling<TStream = any, TChunk = any> {
  /** Whether a (resolved) result is a stream; default: it is async-iterable. */
  isStream?: (value: unknown) => boolean;
  /** A new accumulator for one stream. `captureContent` says whether output text is wanted at all. */
  accumulator: (options: { captureContent: boolean }) => StreamAccumulator<TChunk>;
  /**
   * The AbortSignal that cancels this stream (e.g. openai `stream.controller.signal`), read once when
   * the stream is returned: a stream that reports "done" while its signal is aborted was aborted.
   */
  abortSignal?: (stream: TStream) => AbortSignal | undefined;
  /** `error.type` for an aborted stream; default 'AbortError'. */
  abortErrorType?: string;
  /**
   * Methods of the stream object that cancel it (e.g. ollama's `AbortableAsyncIterator.abort()`),
   * wrapped on the instance; the SDK's method always runs. Called before any chunk arrived, the span
   * ends right away as aborted (`error.type` = `abortErrorType`) — nobody may ever read the stream
   * again. Called while chunks are flowing, the iteration's own end decides: the AbortError of the next
   * read, or a normal completion when the rest had already been buffered (`isComplete()`).
   */
  abortMethods?: string[];
}

export interface TraceCallOptions<TResult> {
  tracer: Tracer;
  policy: GenAIPolicy;
  errors: InternalErrorReporter;
  /** Maps the SDK request; if it throws, the call proceeds untraced. */
  request: () => GenAIRequest;
  /** Performs the original SDK call (runs with the new span active). */
  invoke: () => TResult;
  /** Maps a resolved non-stream result. */
  response?: (value: any) => GenAIResponse | undefined;
  /** How to observe a streamed result; without it, every result is treated as non-stream. */
  stream?: StreamHandling;
  /**
   * Sees the value `invoke` returned (the promise itself), before anything else; e.g. to fetch the
   * request id from `apiPromise.asResponse()` via `span.setRequestId`. Must not consume the body.
   */
  onReturned?: (returned: TResult, span: GenAISpan) => void;
  /**
   * For results that carry their final response as a promise of their own (legacy
   * `@google/generative-ai` streaming returns `{ stream, response }`, where `response` settles once the
   * SDK has read the whole body): return that promise and the span ends when it settles, its value
   * mapped by `response`, its rejection recorded as the error. Return undefined for ordinary results.
   */
  deferredResponse?: (value: any) => PromiseLike<unknown> | undefined;
  /** Overrides `error.type` for an error (return undefined for the default mapping). */
  errorType?: (err: unknown) => string | undefined;
  /** Sees a failure (call or stream) before the span ends, e.g. to read a request id off the error. */
  onError?: (err: unknown, span: GenAISpan) => void;
}

/**
 * Traces one GenAI call: starts a CLIENT span, runs `invoke` in its context, and ends the span when the
 * result settles — or, for a streamed result, when the stream completes, fails, is stopped, aborted or
 * abandoned. Returns EXACTLY what `invoke` returned (the SDK's own promise object, not a wrapper) and
 * rethrows exactly what it threw. Our own failures are reported once through `errors` and never reach
 * the caller.
 */
export function traceGenAICall<TResult>(options: TraceCallOptions<TResult>): TResult {
  const { errors } = options;
  let span: GenAISpan;
  try {
    span = new GenAISpan(options.tracer, options.request(), options.policy);
  } catch (err) {
    errors.report('request mapping', err);
    return options.invoke();
  }

  const errorType = (err: unknown): string => {
    try {
      return options.errorType?.(err) ?? errorTypeOf(err);
    } catch (mapErr) {
      errors.report('error mapping', mapErr);
      return errorTypeOf(err);
    }
  };
  const fail = (err: unknown) => {
    if (options.onError) errors.guard('onError', () => options.onError!(err, span), undefined);
    errors.guard('error recording', () => span.recordError(err, errorType(err)), undefined);
    errors.guard('span end', () => span.end(), undefined);
  };

  let result: TResult;
  try {
    result = context.with(span.context, options.invoke);
  } catch (err) {
    fail(err);
    throw err;
  }

  try {
    const onValue = (value: unknown) => {
      const deferred = options.deferredResponse ? errors.guard('deferred response', () => options.deferredResponse!(value), undefined) : undefined;
      if (!isThenable(deferred)) return settled(value, span, options);
      deferred.then(
        (final) => settled(final, span, { ...options, stream: undefined }),
        (err) => fail(err),
      );
    };
    if (isStainlessApiPromise(result)) {
      if (options.onReturned) errors.guard('onReturned', () => options.onReturned!(result, span), undefined);
      // Waits for the response to arrive, then observes the parsed value unless only the raw Response
      // was asked for (see api-promise.ts); `.withResponse()`, `.asResponse()`, `_thenUnwrap` keep working.
      observeApiPromise(result, {
        onValue,
        onError: (err) => fail(err),
        onRawResponse: () => errors.guard('span end', () => span.end(), undefined),
      });
    } else if (isThenable(result)) {
      if (options.onReturned) errors.guard('onReturned', () => options.onReturned!(result, span), undefined);
      // Observe without replacing: our handlers never throw, so this branch can never become an
      // unhandled rejection of its own; the user's promise is returned as is.
      (result as PromiseLike<unknown>).then(onValue, (err) => fail(err));
    } else {
      if (options.onReturned) errors.guard('onReturned', () => options.onReturned!(result, span), undefined);
      settled(result, span, options);
    }
  } catch (err) {
    errors.report('result handling', err);
    errors.guard('span end', () => span.end(), undefined);
  }
  return result;
}

function settled(value: unknown, span: GenAISpan, options: TraceCallOptions<any>): void {
  const { errors } = options;
  try {
    const streaming = options.stream;
    if (streaming && (streaming.isStream ? streaming.isStream(value) : isAsyncIterable(value))) {
      if (observeStream(value as object, span, streaming, options)) return;
    } else if (options.response) {
      span.recordResponse(options.response(value));
    }
  } catch (err) {
    errors.report('response mapping', err);
  }
  errors.guard('span end', () => span.end(), undefined);
}

function observeStream(stream: object, span: GenAISpan, handling: StreamHandling, options: TraceCallOptions<any>): boolean {
  const { errors } = options;
  const accumulator = handling.accumulator({ captureContent: span.captureContent });
  // Read through a helper: a closure in THIS scope mentioning `stream` would make V8 keep the stream in
  // the context every observer closure shares, and the stream could never be collected (abandonment).
  const signal = readAbortSignal(handling, stream, errors);
  const abortErrorType = handling.abortErrorType ?? 'AbortError';
  const errorType = options.errorType;
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
        const err = outcome.error;
        if (options.onError) errors.guard('onError', () => options.onError!(err, span), undefined);
        const type = errors.guard('error mapping', () => errorType?.(err), undefined);
        errors.guard('error recording', () => span.recordError(err, type ?? errorTypeOf(err)), undefined);
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

function readAbortSignal(handling: StreamHandling, stream: object, errors: InternalErrorReporter): AbortSignal | undefined {
  return errors.guard('abort signal', () => handling.abortSignal?.(stream), undefined);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
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
