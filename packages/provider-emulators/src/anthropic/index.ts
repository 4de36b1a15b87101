import { countWordsIn } from '../core/tokens.js';
import type { ProviderModule, RouteContext } from '../core/types.js';
import { inputTexts } from './content.js';
import { invalidRequest, sendAnthropicError } from './errors.js';
import { buildMessage, type MessagesRequest } from './message.js';
import { streamMessage } from './stream.js';

/**
 * Anthropic Messages API (https://docs.anthropic.com/en/api/messages): POST /v1/messages (JSON, or SSE
 * events with `stream: true`) and POST /v1/messages/count_tokens. Every response carries `request-id`;
 * requests need `x-api-key` (or a bearer token) and `anthropic-version`, as the API requires.
 */
export const anthropicProvider: ProviderModule = {
  name: 'anthropic',
  routes: [
    { method: 'POST', path: '/v1/messages', handle: handleMessages },
    { method: 'POST', path: '/v1/messages/count_tokens', handle: handleCountTokens },
  ],
  owns: ({ path, headers }) => headers['anthropic-version'] !== undefined || path.startsWith('/v1/messages') || path === '/v1/complete',
  headers: ({ n }) => ({ 'request-id': `req_emu_${n}` }),
  authenticate(ctx) {
    const h = ctx.headers;
    if (!h['x-api-key'] && !h.authorization) return { status: 401, type: 'authentication_error', message: 'x-api-key header is required' };
    if (!h['anthropic-version']) return invalidRequest('anthropic-version: header is required');
    return undefined;
  },
  sendError: sendAnthropicError,
};

/** Validates what every Messages endpoint needs; returns the error to send, if any. */
function validate(ctx: RouteContext, needsMaxTokens: boolean): string | undefined {
  const body = ctx.body as Partial<MessagesRequest> | undefined;
  if (!body || typeof body !== 'object') return 'body: Input should be an object';
  if (typeof body.model !== 'string') return 'model: Field required';
  if (needsMaxTokens && typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (body.messages.length === 0) return 'messages: at least one message is required';
  return undefined;
}

async function handleMessages(ctx: RouteContext): Promise<void> {
  const problem = validate(ctx, true);
  if (problem) return ctx.error(invalidRequest(problem));
  const body = ctx.body as MessagesRequest & { stream?: boolean };
  const message = buildMessage(ctx.n, body, ctx.scenario);
  if (!body.stream) return ctx.json(200, message);
  await streamMessage(ctx.sse(), message);
}

/** https://docs.anthropic.com/en/api/messages-count-tokens: `{ "input_tokens": N }`. */
function handleCountTokens(ctx: RouteContext): void {
  const problem = validate(ctx, false);
  if (problem) return ctx.error(invalidRequest(problem));
  const body = ctx.body as MessagesRequest;
  ctx.json(200, { input_tokens: countWordsIn(inputTexts(body.system, body.messages)) });
}
