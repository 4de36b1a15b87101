/**
 * Stainless-generated SDKs (openai, @anthropic-ai/sdk, groq-sdk) return an `APIPromise`: a Promise
 * subclass whose `.then` lazily parses the HTTP body, and whose `_thenUnwrap(fn)` (used by `parse()`
 * helpers and by `responses.create` itself) builds a DERIVED APIPromise that parses the same Response
 * again. Only one parse may read the body. So an observer must:
 *
 * 1. parse only the promise the caller will actually consume: `_thenUnwrap` is interposed, and we
 *    observe the newest derived promise of the chain (its value is the caller's value);
 * 2. not parse at all when the caller wants the raw `Response` (`.asResponse()` reads the body itself).
 *    We wait for the response to ARRIVE (`responsePromise` resolves on headers and never touches the
 *    body) before deciding: if by then the raw response was asked for and no promise of the chain was
 *    parsed, the span ends from the response metadata only; otherwise we observe the parsed value
 *    through `.then`, sharing the one parse (APIPromise memoises it in `parsedPromise`);
 * 3. in addition, `parseResponse` is made idempotent per response on the promise we parse and on every
 *    promise a derived one is made from, so a derived promise that re-parses through
 *    `this.parseResponse` (openai 4..6, anthropic) reuses the parse instead of re-reading.
 *
 * The promise objects are never replaced. `asResponse` and `_thenUnwrap` are interposed once per
 * APIPromise class, on the prototype that defines them (the first time a promise of that class is
 * observed), and find the observation of a promise on the promise's own `parseResponse`, which every
 * Stainless version keeps on the instance and which an observed promise gets memoised (point 3) when it
 * is first watched: the memoising wrapper carries the observation, so a call pays for no new property
 * and no map entry. (Not a WeakMap: V8's young-generation collector keeps every value of an old
 * WeakMap alive, and the observation leads back to its key, so each call's promise, response and span
 * handle would survive into the old generation.) Where an SDK defines the two methods on the instance
 * instead (openai 7.57 sets `_thenUnwrap` and `withResponse` per promise and re-parses through a
 * closure, which point 1 covers), that instance's own method is interposed. The prototype
 * interposition does nothing for promises nobody observes.
 * Checked against openai 4.104, 5.23, 6.49 and 7.57, @anthropic-ai/sdk 0.33 and 1.14, groq-sdk 0.5 and 1.6.
 */

const MEMOISED = Symbol.for('llm-provenance.parseResponse.memoised');
const INTERPOSED = Symbol.for('llm-provenance.apiPromise.interposed');
/** On a memoised `parseResponse`: the observation of the promise that holds it. */
const OBSERVATION = Symbol('llm-provenance.apiPromise.observation');

type AnyMethod = ((this: unknown, ...args: unknown[]) => unknown) & { [INTERPOSED]?: true };

type ParseResponse = ((...args: unknown[]) => unknown) & { [MEMOISED]?: true; [OBSERVATION]?: Observation };

interface StainlessApiPromise {
  /** Resolves with `{ response, ... }` once the headers arrived (the shape is read where it is used). */
  responsePromise: Promise<unknown>;
  parseResponse: ParseResponse;
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
 * Makes `promise.parseResponse` idempotent per response (point 3 above). No-op for anything that is not
 * a Stainless APIPromise, or when already done. The response-props object (the last argument of
 * `parseResponse` in every Stainless version) is the cache key; one response per promise, so one slot.
 */
export function makeApiPromiseParseIdempotent(promise: unknown): void {
  if (isStainlessApiPromise(promise)) memoiseParse(promise as StainlessApiPromise);
}

/** Memoises `target.parseResponse` (once) and returns the memoised function. */
function memoiseParse(target: StainlessApiPromise): ParseResponse {
  const original = target.parseResponse;
  if (original[MEMOISED]) return original;
  let key: object | undefined;
  let parsed: unknown;
  const memoised = function (this: unknown, ...args: unknown[]) {
    const props = args[args.length - 1];
    if (key !== undefined && props === key) return parsed;
    const result = original.apply(this, args);
    if (key === undefined && props && typeof props === 'object') {
      key = props;
      parsed = result;
    }
    return result;
  } as ParseResponse;
  memoised[MEMOISED] = true;
  memoised[OBSERVATION] = undefined;
  target.parseResponse = memoised;
  return memoised;
}

export interface ApiPromiseObserver {
  /** The response arrived (headers only; the body is untouched). Called first. */
  onResponse?(response: unknown): void;
  /** The parsed value (JSON body, Stream ...) — someone asked for it, or nobody asked for the raw response. */
  onValue(value: unknown): void;
  /** The request failed (HTTP error status, connection error, timeout, abort) or parsing failed. */
  onError(err: unknown): void;
  /** Only the raw Response was wanted: the body is the caller's; `response` gives status and headers. */
  onRawResponse(response: unknown): void;
}

/** One observed call: its APIPromise, the derived ones made from it, and whether the raw body was asked for. */
class Observation {
  rawRequested = false;
  private newest: StainlessApiPromise;
  private derived: StainlessApiPromise[] | undefined;

  constructor(
    private readonly root: StainlessApiPromise,
    private readonly observer: ApiPromiseObserver,
  ) {
    this.newest = root;
  }

  /** `_thenUnwrap` made `derived` from a promise of this chain: observe that one instead. */
  addDerived(derived: StainlessApiPromise): void {
    (this.derived ??= []).push(derived);
    this.newest = derived;
    watch(derived, this);
  }

  responded(props: unknown): void {
    const { observer } = this;
    const response = (props as { response?: unknown } | undefined)?.response;
    if (observer.onResponse) {
      try {
        observer.onResponse(response);
      } catch {
        // a failed header read costs the request id only
      }
    }
    if (this.rawRequested && !this.consumed()) return observer.onRawResponse(response);
    this.newest.then(
      (value) => observer.onValue(value),
      (err) => observer.onError(err),
    );
  }

  /** Whether any promise of the chain has been parsed (someone awaited it). */
  private consumed(): boolean {
    if (this.root.parsedPromise !== undefined) return true;
    return this.derived?.some((p) => p.parsedPromise !== undefined) ?? false;
  }
}

/**
 * Observes a Stainless APIPromise without consuming a body the caller wants raw and without parsing a
 * body twice (points 1-3 above). Never throws and never produces an unhandled rejection.
 */
export function observeApiPromise(promise: unknown, observer: ApiPromiseObserver): void {
  const root = promise as StainlessApiPromise;
  const observation = new Observation(root, observer);
  watch(root, observation);
  root.responsePromise.then(
    (props) => observation.responded(props),
    (err) => observer.onError(err),
  );
}

/** Every promise of an observed chain parses once (point 3) and its parse function names the chain's observation. */
function watch(promise: StainlessApiPromise, observation: Observation): void {
  memoiseParse(promise)[OBSERVATION] = observation;
  interpose(promise, 'asResponse', markRawRequested);
  interpose(promise, '_thenUnwrap', observeDerived);
}

/** The observation of a watched promise, else undefined. */
function observationOf(promise: unknown): Observation | undefined {
  const parse = (promise as Partial<StainlessApiPromise> | null | undefined)?.parseResponse;
  return typeof parse === 'function' ? parse[OBSERVATION] : undefined;
}

/** Interposes `hook` on `promise[name]`: on the instance if it has its own, else once on the prototype defining it. */
function interpose(promise: object, name: string, hook: (original: AnyMethod) => AnyMethod): void {
  let owner: object | null = promise;
  while (owner && !Object.hasOwn(owner, name)) owner = Object.getPrototypeOf(owner) as object | null;
  const original = owner && ((owner as Record<string, unknown>)[name] as AnyMethod);
  if (typeof original !== 'function' || original[INTERPOSED]) return;
  const interposed = hook(original);
  interposed[INTERPOSED] = true;
  try {
    Object.defineProperty(owner, name, { value: interposed, writable: true, configurable: true, enumerable: false });
  } catch {
    // A frozen prototype: interpose on this instance only.
    if (owner !== promise) Object.defineProperty(promise, name, { value: interposed, writable: true, configurable: true, enumerable: false });
  }
}

function markRawRequested(original: AnyMethod): AnyMethod {
  return function asResponse(this: unknown, ...args: unknown[]) {
    const observation = observationOf(this);
    if (observation) observation.rawRequested = true;
    return original.apply(this, args);
  };
}

function observeDerived(original: AnyMethod): AnyMethod {
  return function _thenUnwrap(this: unknown, ...args: unknown[]) {
    const derived = original.apply(this, args);
    try {
      const observation = observationOf(this);
      if (observation && isStainlessApiPromise(derived)) observation.addDerived(derived as StainlessApiPromise);
    } catch {
      // observing less is fine; the caller's derived promise is returned regardless
    }
    return derived;
  };
}
