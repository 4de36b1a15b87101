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
  /**
   * Chunks the consumer must not see (ones the instrumentation itself asked the provider for): called
   * after `onChunk`; true hides the chunk and the consumer's read goes on to the next one. Read once,
   * when the stream is observed; absent, every chunk passes (and no filtering iterator is made).
   */
  hides?: ((chunk: TChunk) => boolean) | undefined;
}

const COMPLETED: StreamOutcome = Object.freeze({ kind: 'completed' });
const RETURNED: StreamOutcome = Object.freeze({ kind: 'returned' });

class StreamState<TChunk> {
  finished = false;
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
    // Nothing is left to detect: drop the registration, so no finalizer runs for this stream later.
    abandonment?.unregister(this);
    try {
      this.observer.onEnd(outcome);
    } catch (err) {
      this.internalError('stream end', err);
    }
  }

  /** Whether the consumer must not see `value` (see `StreamObserver.hides`); a failing filter hides nothing. */
  hides(value: TChunk): boolean {
    try {
      return this.observer.hides?.(value) === true;
    } catch (err) {
      this.internalError('stream chunk filter', err);
      return false;
    }
  }

  /** Whether the observer filters chunks at all. */
  get filters(): boolean {
    return typeof this.observer.hides === 'function';
  }

  internalError(where: string, err: unknown): void {
    try {
      this.observer.onInternalError?.(where, err);
    } catch {
      // nothing left to do safely
    }
  }

  /** The per-chunk reaction: handlers made once per stream, so a chunk costs one `.then` and nothing else. */
  readonly onNext = (result: IteratorResult<TChunk>): IteratorResult<TChunk> => {
    try {
      if (result && result.done) this.finish(COMPLETED);
      else if (result) this.chunk(result.value);
    } catch (err) {
      this.internalError('stream iterator', err);
    }
    return result;
  };

  readonly onFailure = (err: unknown): never => {
    this.finish({ kind: 'error', error: err });
    throw err;
  };
}

/**
 * Ends streams that were garbage-collected without finishing. One registration per stream: the stream
 * object itself. Every iterator we hand out holds its stream, so the stream is collected only once
 * nothing can read it any more (neither the stream nor any of its iterators, nor streams `tee()`d
 * from it, which read through such an iterator). The held value is the state, which never references
 * the stream, so registration does not keep the stream alive.
 */
const abandonment =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Pick<StreamState<unknown>, 'finished' | 'lastActivity' | 'finish'>>((state) => {
        if (!state.finished) state.finish({ kind: 'abandoned', lastActivity: new Date(state.lastActivity) });
      })
    : undefined;

function track<T>(state: StreamState<T>, stream: object): void {
  abandonment?.register(stream, state, state);
}

type AnyAsyncIterator<T> = AsyncIterator<T> & { return?: (value?: unknown) => Promise<IteratorResult<T>>; throw?: (e?: unknown) => Promise<IteratorResult<T>> };

/**
 * An iterator that forwards to `inner` and reports to `state`. A class, so that an iterator costs one
 * small object rather than a set of closures. `source` is the stream it reads: held only so that the
 * stream stays alive while one of its iterators can still be read (see `abandonment`).
 */
class ObservingIterator<T> implements AsyncIterableIterator<T> {
  constructor(
    protected readonly inner: AnyAsyncIterator<T>,
    protected readonly state: StreamState<T>,
    readonly source: object,
  ) {}

  next(value?: unknown): Promise<IteratorResult<T>> {
    const { inner, state } = this;
    let p: unknown;
    try {
      // `next()` and `next(undefined)` differ for some iterators: pass on exactly what we were given.
      p = arguments.length === 0 ? inner.next() : inner.next(value);
    } catch (err) {
      state.finish({ kind: 'error', error: err });
      throw err;
    }
    return Promise.resolve(p as Promise<IteratorResult<T>>).then(state.onNext, state.onFailure);
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    const { inner, state } = this;
    if (typeof inner.return !== 'function') {
      state.finish(RETURNED);
      return Promise.resolve({ done: true, value } as IteratorResult<T>);
    }
    let p: unknown;
    try {
      p = inner.return(value);
    } catch (err) {
      state.finish({ kind: 'error', error: err });
      throw err;
    }
    return settle(p, state, () => state.finish(RETURNED));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** An observing iterator over an iterator that has `throw` (async generators do). */
class ObservingIteratorWithThrow<T> extends ObservingIterator<T> {
  throw(e?: unknown): Promise<IteratorResult<T>> {
    const { inner, state } = this;
    let p: unknown;
    try {
      p = inner.throw!(e);
    } catch (err) {
      state.finish({ kind: 'error', error: err });
      throw err;
    }
    return settle(p, state, (result) => {
      if (result && result.done) state.finish({ kind: 'error', error: e });
      else if (result) state.chunk(result.value);
    });
  }
}

function settle<T>(p: unknown, state: StreamState<T>, onValue: (r: IteratorResult<T>) => void): Promise<IteratorResult<T>> {
  return Promise.resolve(p as Promise<IteratorResult<T>>).then(
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
}

/**
 * Serves the chunks of an observing iterator except those the observer hides: a read that meets a
 * hidden chunk goes on to the next one, so the consumer never learns it existed. Made only for an
 * observer that filters.
 */
class HidingIterator<T> implements AsyncIterableIterator<T> {
  constructor(
    protected readonly inner: AsyncIterableIterator<T> & { throw?: (e?: unknown) => Promise<IteratorResult<T>> },
    protected readonly state: StreamState<T>,
  ) {}

  next(value?: unknown): Promise<IteratorResult<T>> {
    const p = arguments.length === 0 ? this.inner.next() : this.inner.next(value);
    return p.then((result) => (result && !result.done && this.state.hides(result.value) ? this.next() : result));
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    return this.inner.return!(value);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

class HidingIteratorWithThrow<T> extends HidingIterator<T> {
  throw(e?: unknown): Promise<IteratorResult<T>> {
    return this.inner.throw!(e);
  }
}

/** An iterator that forwards to `inner` and reports to `state`, keeping `source` alive. */
function observingIterator<T>(inner: AnyAsyncIterator<T>, state: StreamState<T>, source: object): AsyncIterableIterator<T> {
  const hasThrow = typeof inner.throw === 'function';
  const observed = hasThrow ? new ObservingIteratorWithThrow(inner, state, source) : new ObservingIterator(inner, state, source);
  if (!state.filters) return observed;
  return hasThrow ? new HidingIteratorWithThrow(observed, state) : new HidingIterator(observed, state);
}

/** True for objects that can be read with for-await (and are not strings/arrays). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
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
  const target = stream as Record<string | symbol, unknown>;
  if (Object.hasOwn(target, 'iterator') && typeof target.iterator === 'function' && typeof target[Symbol.asyncIterator] === 'function') {
    const factory = target.iterator as (this: unknown) => AnyAsyncIterator<TChunk>;
    target.iterator = function observedIterator(this: object) {
      return observingIterator(factory.call(this), state, this);
    };
    track(state, stream);
    return true;
  }
  if (typeof target.next === 'function') {
    // The stream is its own iterator: its methods are replaced by bound ones of an observing iterator
    // (which then needs no reference back to the stream).
    const inner: AnyAsyncIterator<TChunk> = { next: (target.next as AnyAsyncIterator<TChunk>['next']).bind(stream) };
    if (typeof target.return === 'function') inner.return = (target.return as NonNullable<AnyAsyncIterator<TChunk>['return']>).bind(stream);
    if (typeof target.throw === 'function') inner.throw = (target.throw as NonNullable<AnyAsyncIterator<TChunk>['throw']>).bind(stream);
    const observed = observingIterator(inner, state, NO_SOURCE) as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const method of ['next', 'return', 'throw']) {
      if (typeof observed[method] === 'function' && (method === 'next' || typeof target[method] === 'function')) {
        Object.defineProperty(stream, method, { value: observed[method].bind(observed), writable: true, configurable: true, enumerable: false });
      }
    }
    track(state, stream);
    return true;
  }
  if (typeof target[Symbol.asyncIterator] === 'function') {
    const iterate = target[Symbol.asyncIterator] as (this: unknown) => AnyAsyncIterator<TChunk>;
    Object.defineProperty(stream, Symbol.asyncIterator, {
      value: function observedAsyncIterator(this: object) {
        return observingIterator(iterate.call(this), state, this);
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

const NO_SOURCE: object = Object.freeze({});
