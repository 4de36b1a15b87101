import { context, type Context } from '@opentelemetry/api';
import type { CallHandling } from './call-handling.js';
import { isStainlessApiPromise, observeApiPromise, type ApiPromiseObserver } from './api-promise.js';
import { errorTypeOf } from './errors.js';
import type { GenAISpan } from './genai-span.js';
import type { InternalErrorReporter } from './internal-errors.js';
import { observeStream, type StreamCall } from './observe-stream.js';
import { isAsyncIterable } from './stream.js';

/**
 * One traced call: its span, how its result is observed, and the arguments it was made with. One small
 * object per call whose methods serve every path (promise, APIPromise, stream, callback, sync value),
 * instead of a set of closures per call. It never holds the call's result: a stream reachable from here
 * could never be collected, and abandonment detection relies on that.
 */
export class TracedCall implements ApiPromiseObserver, StreamCall {
  constructor(
    readonly span: GenAISpan,
    readonly handling: CallHandling,
    readonly errors: InternalErrorReporter,
    readonly args: readonly unknown[],
  ) {}

  /** Runs the SDK call with the span active. A synchronous throw ends the span and is rethrown as is. */
  invoke<T>(fn: () => T): T {
    try {
      return context.with(this.span.context, fn);
    } catch (err) {
      this.onError(err);
      throw err;
    }
  }

  /**
   * Observes what the SDK call returned without replacing it: a Stainless APIPromise (see
   * api-promise.ts), any other promise (our handlers never throw, so no unhandled rejection can come
   * from us), or a plain value (a stream or a response).
   */
  observe(result: unknown): void {
    const { handling, errors } = this;
    try {
      if (handling.onReturned) errors.guard('onReturned', () => handling.onReturned!(result, this.span), undefined);
      if (isStainlessApiPromise(result)) {
        observeApiPromise(result, this);
      } else if (isThenable(result)) {
        result.then(
          (value) => this.onValue(value),
          (err) => this.onError(err),
        );
      } else {
        this.settle(result, true);
      }
    } catch (err) {
      errors.report('result handling', err);
      this.endSpan();
    }
  }

  /**
   * The user's node-style callback (`(err, value) => ...`), wrapped so that the span records the
   * outcome and ends before the callback runs; the callback itself runs in `parent`, the caller's
   * context, not inside our span.
   */
  wrapCallback(callback: (...args: unknown[]) => unknown, parent: Context): (...args: unknown[]) => unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrapper is a `function` (it passes the caller's `this` on to the callback), so it cannot see this call as `this`
    const call = this;
    const bound = context.bind(parent, callback);
    return function tracedCallback(this: unknown, ...results: unknown[]) {
      const err = results[0];
      if (err !== null && err !== undefined) call.onError(err);
      else call.onValue(results[1]);
      return bound.apply(this, results);
    };
  }

  /** An APIPromise's response arrived (headers only): where the request id is, if the handling names its header. */
  onResponse(response: unknown): void {
    const header = this.handling.requestIdHeader;
    const headers = (response as { headers?: unknown } | undefined)?.headers;
    if (header && headers) this.span.setRequestIdHeader(headers, header);
  }

  /** The call's value arrived (parsed body, stream, or a result carrying a deferred response). */
  onValue(value: unknown): void {
    const deferredResponse = this.handling.deferredResponse;
    const deferred = deferredResponse ? this.errors.guard('deferred response', () => deferredResponse(value), undefined) : undefined;
    if (!isThenable(deferred)) return this.settle(value, true);
    deferred.then(
      (final) => this.settle(final, false),
      (err) => this.onError(err),
    );
  }

  /** The call failed (or its parse, or its deferred response): record and end. */
  onError(err: unknown): void {
    this.recordFailure(err);
    this.endSpan();
  }

  /** Only the raw Response was asked for (`apiPromise.asResponse()`): the body is the caller's. */
  onRawResponse(): void {
    this.endSpan();
  }

  recordFailure(err: unknown): void {
    const { handling, errors, span } = this;
    if (handling.onError) errors.guard('onError', () => handling.onError!(err, span), undefined);
    const mapped = handling.errorType ? errors.guard('error mapping', () => handling.errorType!(err), undefined) : undefined;
    errors.guard('error recording', () => span.recordError(err, mapped ?? errorTypeOf(err)), undefined);
  }

  /** Records a final value (or hands a stream to the stream observer, which ends the span later). */
  private settle(value: unknown, mayStream: boolean): void {
    const { handling, errors } = this;
    try {
      const streaming = mayStream ? handling.stream : undefined;
      if (streaming && (streaming.isStream ? streaming.isStream(value) : isAsyncIterable(value))) {
        if (observeStream(value as object, streaming, this)) return;
      } else if (handling.response) {
        this.span.recordResponse(handling.response(value));
      }
    } catch (err) {
      errors.report('response mapping', err);
    }
    this.endSpan();
  }

  private endSpan(): void {
    try {
      this.span.end();
    } catch (err) {
      this.errors.report('span end', err);
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
