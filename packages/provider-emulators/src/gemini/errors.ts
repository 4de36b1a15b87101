import type { ErrorSpec, RouteContext } from '../core/types.js';

/**
 * Google's canonical error codes (google.rpc.Code) by HTTP status, as the Gemini API and Vertex AI put
 * them in `error.status`. https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
const STATUS_BY_HTTP: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGE: Record<string, string> = {
  INVALID_ARGUMENT: 'Request contains an invalid argument.',
  UNAUTHENTICATED: 'Request had invalid authentication credentials.',
  PERMISSION_DENIED: 'The caller does not have permission',
  NOT_FOUND: 'Requested entity was not found.',
  RESOURCE_EXHAUSTED: 'Resource has been exhausted (e.g. check quota).',
  INTERNAL: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  UNAVAILABLE: 'The model is overloaded. Please try again later.',
  DEADLINE_EXCEEDED: 'The request timed out.',
};

/**
 * Writes `{"error": {"code", "message", "status", "details"?}}`, the body both the Gemini API and Vertex
 * AI send on failure. A 429 with `retryAfter` carries it twice, as `retry-after` and as the
 * google.rpc.RetryInfo detail the real API uses.
 */
export function sendGeminiError(ctx: RouteContext, spec: ErrorSpec): void {
  // A scenario's `type` names the canonical code (e.g. "RESOURCE_EXHAUSTED"); other cores' types
  // (such as "invalid_json") are not Google codes, so the HTTP status decides then.
  const named = spec.type !== undefined && /^[A-Z_]+$/.test(spec.type) ? spec.type : undefined;
  const status = named ?? STATUS_BY_HTTP[spec.status] ?? (spec.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  const error: Record<string, unknown> = {
    code: spec.status,
    message: spec.message ?? DEFAULT_MESSAGE[status] ?? `HTTP ${spec.status}`,
    status,
  };
  const headers: Record<string, string> = {};
  if (spec.status === 429 && spec.retryAfter !== undefined) {
    headers['retry-after'] = String(spec.retryAfter);
    error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${spec.retryAfter}s` }];
  }
  ctx.json(spec.status, { error }, headers);
}
