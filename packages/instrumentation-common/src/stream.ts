/**
 * Observing a streamed response IN PLACE: the user keeps the very object the SDK returned (its class,
 * `tee()`, `toReadableStream()`, `controller`, `abort()` ...); we only interpose on the iterator it
 * hands out, so every chunk passes through unchanged and every error propagates unchanged.
 */

/** How a stream ended, from the observer's point of view. */
export type StreamOutcome =
  /** The iterator reported done. */
  | { kind: 'completed' }
  /** The iterator threw (network error, provider error event ...). */
  | { kind: 'error'; error: unknown }
  /** The consumer stopped early: `break` in for-await, `iterator.return()`, ReadableStream cancel. */
  | { kind: 'returned' }
  /** Every object through which the stream could still be read was garbage-collected unfinished. */
  | { kind: 'abandoned'; lastActivity: Date };

export interface StreamObserver<TChunk> {
  /** Every chunk, in order, before the consumer sees it. Must not throw (it is guarded anyway). */
  onChunk(chunk: TChunk): void;
  /** Called exactly once. */
  onEnd(outcome: StreamOutcome): void;
  /** Called when observer code threw; the stream itself is unaffected. */
  onInternalError?(where: string, err: unknown): void;
}

class StreamState<TChunk> {
  finished = false;
  live = 0;
  lastActivity = Date.now();

  constructor(private readonly observer: StreamObserver<TChunk>) {}

  chunk(value: TChunk): void {
    if (this.finished) return;
    this.lastActivity = Date.now();
    try {
      this.observer.onChunk(value);
    } catch (err) {
      this.internalError('stream chunk mapper', err);
    }
  }

  finish(outcome: StreamOutcome): void {
    if (this.finished) return;
    this.finished = true;
    // Nothing is left to detect: drop the registrations, so no finalizer runs for this stream later.
    if (this.live > 0) abandonment?.unregister(this);
    try {
      this.observer.onEnd(outcome);
    } catch (err) {
      this.internalError('stream end', err);
    }
  }

  internalError(where: string, err: unknown): void {
    try {
      this.observer.onInternalError?.(where, err);
    } catch {
      // nothing left to do safely
    }
  }
}

/**
 * Ends streams whose every handle was collected without finishing. The held value is the state, which
 * never references the stream, so registration does not keep the stream alive.
 */
const abandonment =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<StreamState<unknown>>((state) => {
        state.live -= 1;
        if (state.live <= 0 && !state.finished) state.finish({ kind: 'abandoned', lastActivity: new Date(state.lastActivity) });
      })
    : undefined;

function track(state: StreamState<any>, handle: object): void {
  if (!abandonment) return;
  state.live += 1;
  abandonment.register(handle, state, state);
}

type AnyAsyncIterator<T> = AsyncIterator<T> & { return?: (value?: unknown) => Promise<IteratorResult<T>>; throw?: (e?: unknown) => Promise<IteratorResult<T>> };

/** An iterator that forwards to `inner` and reports to `state`. */
function observingIterator<T>(inner: AnyAsyncIterator<T>, state: StreamState<T>): AsyncIterableIterator<T> {
  const settle = (p: unknown, onValue: (r: IteratorResult<T>) => void) =>
    Promise.resolve(p as Promise<IteratorResult<T>>).then(
      (result) => {
        try {
          onValue(result);
        } catch (err) {
          state.internalError('stream iterator', err);
        }
        return result;
      },
      (err: unknown) => {
        state.finish({ kind: 'error', error: err });
        throw err;
      },
    );
  // The per-chunk path: one `.then` per chunk with handlers made once per iterator, nothing else allocated.
  const onNext = (result: IteratorResult<T>) => {
    try {
      if (result && result.done) state.finish({ kind: 'completed' });
      else if (result) state.chunk(result.value);
    } catch (err) {
      state.internalError('stream iterator', err);
    }
    return result;
  };
  const onFailure = (err: unknown): never => {
    state.finish({ kind: 'error', error: err });
    throw err;
  };
  const wrapped: AsyncIterableIterator<T> & Record<string, unknown> = {
    next(value?: unknown) {
      let p: unknown;
      try {
        p = arguments.length === 0 ? inner.next() : inner.next(value as undefined);
      } catch (err) {
        state.finish({ kind: 'error', error: err });
        throw err;
      }
      return Promise.resolve(p as Promise<IteratorResult<T>>).then(onNext, onFailure);
    },
    return(value?: unknown) {
      if (typeof inner.return !== 'function') {
        state.finish({ kind: 'returned' });
        return Promise.resolve({ done: true, value } as IteratorResult<T>);
      }
      let p: unknown;
      try {
        p = inner.return(value);
      } catch (err) {
        state.finish({ kind: 'error', error: err });
        throw err;
      }
      return settle(p, () => state.finish({ kind: 'returned' }));
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  if (typeof inner.throw === 'function') {
    wrapped.throw = (e?: unknown) => {
      let p: unknown;
      try {
        p = inner.throw!(e);
      } catch (err) {
        state.finish({ kind: 'error', error: err });
        throw err;
      }
      return settle(p, (result) => {
        if (result && result.done) state.finish({ kind: 'error', error: e });
        else if (result) state.chunk(result.value);
      });
    };
  }
  return wrapped;
}

/** True for objects that can be read with for-await (and are not strings/arrays). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    !!value &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Observes `stream` in place and returns the same object. Supported shapes:
 * - SSE stream objects of Stainless SDKs (openai, anthropic, groq): an own `iterator` factory used by
 *   `[Symbol.asyncIterator]`, `tee()` and `toReadableStream()` — the factory is wrapped, so a tee'd or
 *   converted stream is observed once, at the source;
 * - async iterators (async generators, e.g. @google/genai streams): own `next`/`return`/`throw`;
 * - other async iterables (e.g. ollama's AbortableAsyncIterator): own `[Symbol.asyncIterator]`.
 * Returns false (and leaves the object untouched) if it is none of these; the caller then ends its span.
 * The observer must not reference `stream`, or the abandonment detection can never fire.
 */
export function observeAsyncIterable<TChunk = unknown>(stream: object, observer: StreamObserver<TChunk>): boolean {
  const state = new StreamState<TChunk>(observer);
  const target = stream as Record<string | symbol, any>;
  if (Object.hasOwn(target, 'iterator') && typeof target.iterator === 'function' && typeof target[Symbol.asyncIterator] === 'function') {
    const factory = target.iterator as (this: unknown) => AnyAsyncIterator<TChunk>;
    target.iterator = function observedIterator(this: unknown) {
      const it = observingIterator(factory.call(this), state);
      track(state, it);
      return it;
    };
    track(state, stream);
    return true;
  }
  if (typeof target.next === 'function') {
    const inner: AnyAsyncIterator<TChunk> = {
      next: target.next.bind(stream),
      ...(typeof target.return === 'function' ? { return: target.return.bind(stream) } : {}),
      ...(typeof target.throw === 'function' ? { throw: target.throw.bind(stream) } : {}),
    };
    const observed = observingIterator(inner, state) as unknown as Record<string, unknown>;
    for (const method of ['next', 'return', 'throw']) {
      if (typeof observed[method] === 'function' && (method === 'next' || typeof target[method] === 'function')) {
        Object.defineProperty(stream, method, { value: observed[method], writable: true, configurable: true, enumerable: false });
      }
    }
    track(state, stream);
    return true;
  }
  if (typeof target[Symbol.asyncIterator] === 'function') {
    const iterate = target[Symbol.asyncIterator] as (this: unknown) => AnyAsyncIterator<TChunk>;
    Object.defineProperty(stream, Symbol.asyncIterator, {
      value: function observedAsyncIterator(this: unknown) {
        const it = observingIterator(iterate.call(this), state);
        track(state, it);
        return it;
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
    track(state, stream);
    return true;
  }
  return false;
}
