/**
 * Which HTTP requests are model calls by their route alone, as instrumentations that trace at the HTTP
 * level recognise them (the inference-servers instrumentation: its configured servers' routes and the
 * routes that name their server, such as TGI's `/generate`, on any host). Attribution propagation asks
 * here before it adds a `baggage` or `traceparent` header to a request (attribution-propagation.ts), so a
 * user id never reaches a model server, whether or not the request is inside a GenAI span yet.
 */

/** Whether a request with this method (upper case), origin (`http://host:port`) and path is a model call. */
export type ModelCallMatcher = (method: string, origin: string, path: string) => boolean;

const matchers = new Map<object, ModelCallMatcher>();

/** Records `owner`'s matcher (replacing its previous one); `undefined` removes it. */
export function setModelCallMatcher(owner: object, matcher: ModelCallMatcher | undefined): void {
  if (matcher) matchers.set(owner, matcher);
  else matchers.delete(owner);
}

/** Whether any recorded matcher says the request to `url` with `method` is a model call. */
export function isModelCallRoute(method: string, url: string | URL): boolean {
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
      if (matcher(upper, parsed.origin, parsed.pathname + parsed.search)) return true;
    } catch {
      // A failing matcher cannot prove the request is not a model call.
      return true;
    }
  }
  return false;
}
