import type { ProviderModule } from '../core/types.js';
import { embed, embeddings } from './embed.js';
import { chat, generate } from './generate.js';

/** The emulated server's version, as `GET /api/version` reports it. */
export const OLLAMA_EMULATED_VERSION = '0.12.0';

/**
 * Ollama's native REST API (https://github.com/ollama/ollama/blob/main/docs/api.md), as the `ollama`
 * npm package calls it: errors are `{"error": "<message>"}` with the HTTP status; no credentials.
 */
export const ollama: ProviderModule = {
  name: 'ollama',
  routes: [
    { method: 'POST', path: '/api/chat', handle: chat },
    { method: 'POST', path: '/api/generate', handle: generate },
    { method: 'POST', path: '/api/embed', handle: embed },
    { method: 'POST', path: '/api/embeddings', handle: embeddings },
    { method: 'GET', path: '/api/version', handle: (ctx) => ctx.json(200, { version: OLLAMA_EMULATED_VERSION }) },
  ],
  owns: ({ path }) => path.startsWith('/api/'),
  sendError(ctx, spec) {
    const headers: Record<string, string> = {};
    if (spec.status === 429 && spec.retryAfter !== undefined) headers['retry-after'] = String(spec.retryAfter);
    ctx.json(spec.status, { error: spec.message ?? defaultMessage(spec.status) }, headers);
  },
};

function defaultMessage(status: number): string {
  if (status === 404) return 'model not found, try pulling it first';
  if (status === 429) return 'too many requests';
  if (status >= 500) return 'internal server error';
  return `request failed with status ${status}`;
}
