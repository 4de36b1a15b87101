import type { GenAISpan } from './genai-span.js';

/**
 * The provider's request id of a call through a Stainless-generated SDK (openai, groq-sdk,
 * @anthropic-ai/sdk): a response header (`x-request-id`, or `request-id` for Anthropic), or the SDK's
 * own field on an API error.
 */

/** A header from a fetch `Headers` (newer SDK majors) or a plain object (older majors' errors). */
export function headerValue(headers: any, name: string): string | undefined {
  if (!headers) return undefined;
  const value = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Records the request id from response header `headerName` of an APIPromise. It waits on the promise's
 * `responsePromise`, which resolves with the Response as soon as its headers arrive (before and
 * independently of any body parsing, for streams too); calling `asResponse()` instead would look like
 * the caller asked for the raw body. Present in every supported openai, groq-sdk and @anthropic-ai/sdk major.
 */
export function requestIdFromResponseHeader(apiPromise: any, headerName: string, span: GenAISpan): void {
  const pending = apiPromise?.responsePromise;
  if (!pending || typeof pending.then !== 'function') return;
  pending.then(
    (props: any) => span.setRequestId(headerValue(props?.response?.headers, headerName)),
    () => undefined, // the failure itself is recorded through the promise the call observes
  );
}

/**
 * An `onError` hook that records the request id of a failed call: the SDK's own `requestID` (newer
 * majors) or `request_id`, else response header `headerName` (Headers in newer majors, a plain object in older).
 */
export function requestIdFromApiError(headerName: string): (err: any, span: GenAISpan) => void {
  return (err, span) => span.setRequestId(err?.requestID ?? err?.request_id ?? headerValue(err?.headers, headerName));
}
