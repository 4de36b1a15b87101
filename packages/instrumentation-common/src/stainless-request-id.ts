import type { GenAISpan } from './genai-span.js';

/**
 * The provider's request id of a call through a Stainless-generated SDK (openai, groq-sdk,
 * @anthropic-ai/sdk): a response header (`x-request-id`, or `request-id` for Anthropic), or the SDK's
 * own field on an API error.
 */

/** Response headers: a fetch `Headers` (read with `get`) or a plain object of header values. */
type HeaderSource = { get?: unknown } & Readonly<Record<string, unknown>>;

/** The fields of a Stainless `APIError` that name the request. */
interface ApiErrorWire {
  requestID?: string | null;
  request_id?: string | null;
  headers?: unknown;
}

/** A header from a fetch `Headers` (newer SDK majors) or a plain object (older majors' errors). */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  const h = headers as HeaderSource;
  const value = typeof h.get === 'function' ? (h as Pick<Headers, 'get'>).get(name) : h[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Records the request id from response header `headerName` of an APIPromise. It waits on the promise's
 * `responsePromise`, which resolves with the Response as soon as its headers arrive (before and
 * independently of any body parsing, for streams too); calling `asResponse()` instead would look like
 * the caller asked for the raw body. Present in every supported openai, groq-sdk and @anthropic-ai/sdk major.
 */
export function requestIdFromResponseHeader(apiPromise: unknown, headerName: string, span: GenAISpan): void {
  const pending = (apiPromise as { responsePromise?: { then?: unknown } | null } | null | undefined)?.responsePromise;
  if (!pending || typeof pending.then !== 'function') return;
  (pending as PromiseLike<{ response?: { headers?: unknown } } | null | undefined>).then(
    (props) => span.setRequestId(headerValue(props?.response?.headers, headerName)),
    () => undefined, // the failure itself is recorded through the promise the call observes
  );
}

/**
 * An `onError` hook that records the request id of a failed call: the SDK's own `requestID` (newer
 * majors) or `request_id`, else response header `headerName` (Headers in newer majors, a plain object in older).
 */
export function requestIdFromApiError(headerName: string): (err: unknown, span: GenAISpan) => void {
  return (err, span) => {
    const e = err as ApiErrorWire | null | undefined;
    span.setRequestId(e?.requestID ?? e?.request_id ?? headerValue(e?.headers, headerName));
  };
}
