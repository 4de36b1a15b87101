/**
 * Stainless-generated SDKs (openai, @anthropic-ai/sdk, groq-sdk) return an `APIPromise`: a Promise
 * subclass whose `.then` lazily parses the HTTP body, and whose `_thenUnwrap(fn)` (used by `parse()`
 * helpers and by `responses.create` itself) builds a DERIVED APIPromise that parses the same Response
 * again. Only one parse may read the body. So an observer must:
 *
 * 1. parse only the promise the caller will actually consume: `_thenUnwrap` is interposed on every
 *    promise of the chain, and we observe the newest derived promise (its value is the caller's value);
 * 2. not parse at all when the caller wants the raw `Response` (`.asResponse()` reads the body itself).
 *    We wait for the response to ARRIVE (`responsePromise` resolves on headers and never touches the
 *    body) before deciding: if by then the raw response was asked for and no promise of the chain was
 *    parsed, the span ends from the response metadata only; otherwise we observe the parsed value
 *    through `.then`, sharing the one parse (APIPromise memoises it in `parsedPromise`);
 * 3. in addition, `parseResponse` is made idempotent per response, so a derived promise that re-parses
 *    through `this.parseResponse` (openai 4..6, anthropic) reuses the parse instead of re-reading.
 *
 * The promise objects are never replaced; only instance properties (`parseResponse`, `asResponse`,
 * `_thenUnwrap`) are interposed. Checked against openai 4.104, 5.x, 6.49 and 7.57 (7.57 overrides
 * `_thenUnwrap` per instance and re-parses through a closure, which point 1 covers).
 */

const MEMOISED = Symbol.for('llm-provenance.parseResponse.memoised');

interface StainlessApiPromise {
  responsePromise: Promise<{ response?: unknown } | unknown>;
  parseResponse: ((...args: unknown[]) => unknown) & { [MEMOISED]?: true };
  parsedPromise?: unknown;
  asResponse?: (...args: unknown[]) => unknown;
  then: PromiseLike<unknown>['then'];
}

/** True for a Stainless APIPromise (duck-typed: a thenable with `responsePromise` and `parseResponse`). */
export function isStainlessApiPromise(value: unknown): boolean {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as { then?: unknown }).then === 'function' &&
    typeof (value as { parseResponse?: unknown }).parseResponse === 'function' &&
    !!(value as { responsePromise?: { then?: unknown } }).responsePromise &&
    typeof (value as { responsePromise: { then?: unknown } }).responsePromise.then === 'function'
  );
}

/**
 * Makes `promise.parseResponse` idempotent per response (point 1 above). No-op for anything that is not
 * a Stainless APIPromise, or when already done. The response-props object (the last argument of
 * `parseResponse` in every Stainless version) is the cache key, held weakly.
 */
export function makeApiPromiseParseIdempotent(promise: unknown): void {
  if (!isStainlessApiPromise(promise)) return;
  const target = promise as StainlessApiPromise;
  const original = target.parseResponse;
  if (original[MEMOISED]) return;
  const cache = new WeakMap<object, unknown>();
  const memoised = function (this: unknown, ...args: unknown[]) {
    const key = args[args.length - 1];
    if (!key || typeof key !== 'object') return original.apply(this, args);
    if (cache.has(key)) return cache.get(key);
    const parsed = original.apply(this, args);
    cache.set(key, parsed);
    return parsed;
  } as StainlessApiPromise['parseResponse'];
  memoised[MEMOISED] = true;
  target.parseResponse = memoised;
}

export interface ApiPromiseObserver {
  /** The parsed value (JSON body, Stream ...) — someone asked for it, or nobody asked for the raw response. */
  onValue(value: unknown): void;
  /** The request failed (HTTP error status, connection error, timeout, abort) or parsing failed. */
  onError(err: unknown): void;
  /** Only the raw Response was wanted: the body is the caller's; `response` gives status and headers. */
  onRawResponse(response: unknown): void;
}

/**
 * Observes a Stainless APIPromise without consuming a body the caller wants raw and without parsing a
 * body twice (points 1-3 above). Never throws and never produces an unhandled rejection.
 */
export function observeApiPromise(promise: unknown, observer: ApiPromiseObserver): void {
  const root = promise as StainlessApiPromise;
  const state = { rawRequested: false, chain: [] as StainlessApiPromise[] };
  const interpose = (target: StainlessApiPromise) => {
    state.chain.push(target);
    makeApiPromiseParseIdempotent(target);
    const asResponse = target.asResponse;
    if (typeof asResponse === 'function') {
      defineOwn(target, 'asResponse', function (this: unknown, ...args: unknown[]) {
        state.rawRequested = true;
        return asResponse.apply(this, args);
      });
    }
    const thenUnwrap = (target as { _thenUnwrap?: (...args: unknown[]) => unknown })._thenUnwrap;
    if (typeof thenUnwrap === 'function') {
      defineOwn(target, '_thenUnwrap', function (this: unknown, ...args: unknown[]) {
        const derived = thenUnwrap.apply(this, args);
        try {
          if (isStainlessApiPromise(derived)) interpose(derived as StainlessApiPromise);
        } catch {
          // observing less is fine; the caller's derived promise is returned regardless
        }
        return derived;
      });
    }
  };
  interpose(root);
  root.responsePromise.then(
    (props) => {
      const consumed = state.chain.some((p) => p.parsedPromise !== undefined);
      if (state.rawRequested && !consumed) {
        observer.onRawResponse((props as { response?: unknown } | undefined)?.response);
        return;
      }
      const newest = state.chain[state.chain.length - 1];
      newest.then(
        (value) => observer.onValue(value),
        (err) => observer.onError(err),
      );
    },
    (err) => observer.onError(err),
  );
}

function defineOwn(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}
