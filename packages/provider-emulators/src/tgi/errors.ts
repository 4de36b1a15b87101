import type { ErrorSpec, RouteContext } from '../core/types.js';

/**
 * TGI's error body, `{"error": "<message>", "error_type": "<kind>"}`, with the status its router gives
 * each kind (https://huggingface.github.io/text-generation-inference/ ErrorResponse): 422 validation,
 * 424 generation, 429 overloaded, 500 incomplete_generation. A native stream gets the same body as its
 * one SSE `data:` event, with status 200.
 */
export function tgiErrorType(status: number): string {
  if (status === 429) return 'overloaded';
  if (status === 424) return 'generation';
  if (status === 503) return 'unhealthy';
  if (status >= 500) return 'incomplete_generation';
  return 'validation';
}

/**
 * Whether the request asked for TGI's native stream (`/generate_stream`, or `/` with `stream: true`): its
 * response starts (status 200, `text/event-stream`) before validation and scheduling, so TGI reports
 * their failures as the stream's one event.
 */
function nativeStream(ctx: RouteContext): boolean {
  return ctx.path === '/generate_stream' || (ctx.path === '/' && (ctx.body as { stream?: unknown } | undefined)?.stream === true);
}

export function sendTgiError(ctx: RouteContext, spec: ErrorSpec): void {
  // A body that does not deserialize, or a route that does not exist, is refused before any stream starts.
  if (nativeStream(ctx) && spec.status !== 404 && spec.type !== 'invalid_json' && !(spec.message ?? '').startsWith('Failed to deserialize')) {
    const sse = ctx.sse({ 'x-compute-type': 'gpu+optimized', 'x-accel-buffering': 'no' });
    void sse.send({ error: spec.message ?? defaultMessage(spec.status), error_type: spec.type ?? tgiErrorType(spec.status) }).then(
      () => sse.end(),
      () => undefined,
    );
    return;
  }
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
