/**
 * Which HTTP requests are model calls by their route alone, as instrumentations that trace at the HTTP
 * level recognise them (the inference-servers instrumentation: its configured servers' routes and the
 * routes that name their server, such as TGI's `/generate`, on any host). Attribution propagation asks
 * here before it adds a `baggage` or `traceparent` header to a request (attribution-propagation.ts), so a
 * user id never reaches a model server, whether or not the request is inside a GenAI span yet.
 */

/** Reads one request header by its lower-case name; undefined when the request does not have it. */
export type RequestHeaderReader = (name: string) => string | undefined;

/**
 * Whether a request with this method (upper case), origin (`http://host:port`) and path is a model call.
 * `header` reads the request's headers where the caller has them, for a matcher that recognises a client
 * by what it sends (the AI SDK's providers by their User-Agent) rather than by where it goes.
 */
export type ModelCallMatcher = (method: string, origin: string, path: string, header?: RequestHeaderReader) => boolean;

/**
 * One registry per process, not per copy of this module: under `--import` the register's ES module build
 * asks (attribution propagation) while the instrumentations, loaded with `require`, record their
 * matchers in the CommonJS build.
 */
const matchers = ((globalThis as Record<symbol, unknown>)[Symbol.for('@llm-provenance/instrumentation-common.model-call-matchers')] ??= new Map<
  object,
  ModelCallMatcher
>()) as Map<object, ModelCallMatcher>;

/** Records `owner`'s matcher (replacing its previous one); `undefined` removes it. */
export function setModelCallMatcher(owner: object, matcher: ModelCallMatcher | undefined): void {
  if (matcher) matchers.set(owner, matcher);
  else matchers.delete(owner);
}

/** Whether any recorded matcher says the request to `url` with `method` (and these headers) is a model call. */
export function isModelCallRoute(method: string, url: string | URL, header?: RequestHeaderReader): boolean {
  if (matchers.size === 0) return false;
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return false;
  }
  const upper = method.toUpperCase();
  for (const matcher of matchers.values()) {
    try {
      if (matcher(upper, parsed.origin, parsed.pathname + parsed.search, header)) return true;
    } catch {
      // A failing matcher cannot prove the request is not a model call.
      return true;
    }
  }
  return false;
}
