import type { ErrorSpec, RouteContext } from '../core/types.js';

/**
 * TEI's error body, `{"error": "<message>", "error_type": "<kind>"}`, with the status its router gives
 * each kind (https://huggingface.github.io/text-embeddings-inference/ ErrorResponse): 400 empty,
 * 413 validation, 422 tokenizer, 424 backend, 429 overloaded, 503 unhealthy.
 */
export function teiErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'empty';
    case 413:
      return 'validation';
    case 422:
      return 'tokenizer';
    case 429:
      return 'overloaded';
    case 503:
      return 'unhealthy';
    default:
      return status >= 500 || status === 424 ? 'backend' : 'validation';
  }
}

export function sendTeiError(ctx: RouteContext, spec: ErrorSpec): void {
  const headers: Record<string, string> = {};
  if (spec.status === 429 && spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter);
  ctx.json(spec.status, { error: spec.message ?? defaultMessage(spec.status), error_type: spec.type ?? teiErrorType(spec.status) }, headers);
}

function defaultMessage(status: number): string {
  if (status === 404) return 'Not Found';
  if (status === 429) return 'Model is overloaded';
  if (status === 503) return 'Model is not healthy';
  if (status >= 500 || status === 424) return 'Backend error';
  return `request failed with status ${status}`;
}
