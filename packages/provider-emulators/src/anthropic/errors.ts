import type { ErrorSpec, RouteContext } from '../core/types.js';

type ErrorDefaults = { type: string; message: string };

/**
 * Error types by HTTP status, as the Messages API documents them
 * (https://docs.anthropic.com/en/api/errors): every error body is
 * `{"type":"error","error":{"type":..., "message":...},"request_id":...}`.
 */
const INVALID_REQUEST: ErrorDefaults = { type: 'invalid_request_error', message: 'There was an issue with the format or content of your request.' };
const API_ERROR: ErrorDefaults = { type: 'api_error', message: "An unexpected error has occurred internal to Anthropic's systems." };
const TYPES: Record<number, ErrorDefaults> = {
  400: INVALID_REQUEST,
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'The requested resource could not be found.' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Your account has hit a rate limit.' },
  500: API_ERROR,
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

/** The `error` object of an Anthropic error body (also the payload of a streamed `error` event). */
export function anthropicErrorObject(spec: ErrorSpec): { type: string; message: string } {
  const d = TYPES[spec.status] ?? (spec.status >= 500 ? API_ERROR : INVALID_REQUEST);
  return { type: spec.type ?? d.type, message: spec.message ?? d.message };
}

export function sendAnthropicError(ctx: RouteContext, spec: ErrorSpec): void {
  const headers: Record<string, string> = {};
  if (spec.status === 429) {
    // The API reports the exhausted window next to its 429s (https://docs.anthropic.com/en/api/rate-limits).
    headers['anthropic-ratelimit-requests-remaining'] = '0';
    if (spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter);
  }
  const body =
    spec.type === 'invalid_json'
      ? { status: 400, type: 'invalid_request_error', message: 'There was an issue with the format or content of your request: invalid JSON body' }
      : spec;
  ctx.json(spec.status, { type: 'error', error: anthropicErrorObject(body), request_id: `req_emu_${ctx.n}` }, headers);
}

export function invalidRequest(message: string): ErrorSpec {
  return { status: 400, type: 'invalid_request_error', message };
}
