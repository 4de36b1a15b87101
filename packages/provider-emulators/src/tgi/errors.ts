import type { ErrorSpec, RouteContext } from '../core/types.js';

/**
 * TGI's error body, `{"error": "<message>", "error_type": "<kind>"}`, with the status its router gives
 * each kind (https://huggingface.github.io/text-generation-inference/ ErrorResponse): 422 validation,
 * 424 generation, 429 overloaded, 500 incomplete_generation; the same body arrives as an SSE `data:`
 * event when a stream fails after it started.
 */
export function tgiErrorType(status: number): string {
  if (status === 429) return 'overloaded';
  if (status === 424) return 'generation';
  if (status === 503) return 'unhealthy';
  if (status >= 500) return 'incomplete_generation';
  return 'validation';
}

export function sendTgiError(ctx: RouteContext, spec: ErrorSpec): void {
  const headers: Record<string, string> = {};
  if (spec.status === 429 && spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter);
  ctx.json(spec.status, { error: spec.message ?? defaultMessage(spec.status), error_type: spec.type ?? tgiErrorType(spec.status) }, headers);
}

function defaultMessage(status: number): string {
  if (status === 404) return 'Not Found';
  if (status === 429) return 'Model is overloaded';
  if (status >= 500) return 'Request failed during generation: Server error: unexpected end of generation';
  return `Input validation error: request failed with status ${status}`;
}
