import type { StreamAccumulator, StreamHandling } from './call-handling.js';
import type { GenAISpan } from './genai-span.js';
import type { InternalErrorReporter } from './internal-errors.js';
import { observeAsyncIterable, type StreamObserver, type StreamOutcome } from './stream.js';

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
  const observer = new StreamCallObserver(call, handling.accumulator({ captureContent: call.span.captureContent }), handling.abortErrorType ?? 'AbortError');
  observer.signal = readAbortSignal(handling, stream, call);
  if (handling.hiddenChunks) observer.hides = readHiddenChunks(handling.hiddenChunks, call);
  if (handling.abortMethods) interposeAbortMethods(stream, handling.abortMethods, observer);
  return observeAsyncIterable(stream, observer);
}

/** What one stream's chunks and end do to its call's span: one object per stream, no closures. */
class StreamCallObserver implements StreamObserver<unknown> {
  chunks = 0;
  /** The AbortSignal that cancels the stream, if the handling names one. */
  signal: AbortSignal | undefined = undefined;
  /** Chunks the app must not see (see `StreamHandling.hiddenChunks`); undefined: every chunk passes. */
  hides: ((chunk: unknown) => boolean) | undefined = undefined;

  constructor(
    readonly call: StreamCall,
    readonly accumulator: StreamAccumulator,
    readonly abortErrorType: string,
  ) {}

  onChunk(chunk: unknown): void {
    this.chunks += 1;
    this.call.span.markChunk();
    this.accumulator.onChunk(chunk);
  }

  onEnd(outcome: StreamOutcome): void {
    const { call, abortErrorType } = this;
    const span = call.span;
    this.recordResult(this.isComplete());
    if (outcome.kind === 'error') {
      call.recordFailure(outcome.error);
    } else if (outcome.kind === 'completed' && this.signal?.aborted && !this.isComplete()) {
      span.recordError(namedError('The stream was aborted before it completed', abortErrorType), abortErrorType);
    }
    span.end(outcome.kind === 'abandoned' ? outcome.lastActivity : undefined);
  }

  onInternalError(where: string, err: unknown): void {
    this.call.errors.report(where, err);
  }

  /** One of the stream's abort methods was called (see `interposeAbortMethods`). */
  onAbortMethod(method: string): void {
    // Once chunks are flowing, a consumer is iterating: how the iteration ends decides (an AbortError
    // from the next read, or completion when the rest was already buffered — the user got it all).
    // Before any chunk, nobody may ever read again, so the abort ends the span here.
    const span = this.call.span;
    if (span.isEnded || this.chunks > 0) return;
    this.recordResult();
    span.recordError(namedError(`The stream was aborted (${method}())`, this.abortErrorType), this.abortErrorType);
    span.end();
  }

  /** `complete`: the provider's terminal chunk was seen, so a response without usage has none to come. */
  private recordResult(complete = false): void {
    try {
      this.call.span.recordResponse(this.accumulator.result(), complete);
    } catch (err) {
      this.call.errors.report('stream result', err);
    }
  }

  private isComplete(): boolean {
    try {
      return this.accumulator.isComplete?.() ?? false;
    } catch (err) {
      this.call.errors.report('stream completeness', err);
      return false;
    }
  }
}

/** An Error named `name`: the exception event of a synthetic abort names the SDK's abort error type. */
function namedError(message: string, name: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

function readHiddenChunks(hiddenChunks: NonNullable<StreamHandling['hiddenChunks']>, call: StreamCall): ((chunk: unknown) => boolean) | undefined {
  try {
    return hiddenChunks(call.args);
  } catch (err) {
    call.errors.report('hidden chunks', err);
    return undefined;
  }
}

function readAbortSignal(handling: StreamHandling, stream: object, call: StreamCall): AbortSignal | undefined {
  if (!handling.abortSignal) return undefined;
  try {
    return handling.abortSignal(stream, call.args);
  } catch (err) {
    call.errors.report('abort signal', err);
    return undefined;
  }
}

/**
 * Ends the span when one of `methods` (the handling's abort methods) is called on the stream. A separate
 * function (not inline in observeStream) so that the closures mentioning `stream` live in their own V8
 * context.
 */
function interposeAbortMethods(stream: object, methods: readonly string[], observer: StreamCallObserver): void {
  for (const method of methods) {
    observer.call.errors.guard('abort method', () => wrapAbortMethod(stream, method, () => observer.onAbortMethod(method)), undefined);
  }
}

/** Wraps `stream[method]` on the instance so `onAborted` runs after the SDK's own method. */
function wrapAbortMethod(stream: object, method: string, onAborted: () => void): void {
  const original = (stream as Record<string, unknown>)[method];
  if (typeof original !== 'function') return;
  Object.defineProperty(stream, method, {
    value: function abortAndEndSpan(this: unknown, ...args: unknown[]) {
      const result = (original as (this: unknown, ...args: unknown[]) => unknown).apply(this, args);
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
