import type { ProviderModule, RouteContext } from '../core/types.js';
import { chatCompletionsRoute } from './chat-completions.js';
import { completionsRoute } from './completions.js';
import { embeddingsRoute } from './embeddings.js';
import { MISSING_KEY_MESSAGE, sendOpenAiError } from './errors.js';
import { OPENAI_FLAVOR, type OpenAiFlavor } from './flavor.js';
import { modelRoutes } from './models.js';
import { responsesRoute } from './responses.js';

/**
 * Builds a module that speaks the OpenAI wire format under `flavor.basePath`. `openai` below is the
 * real thing; an OpenAI-compatible provider (Groq: /openai/v1) can build its own from a different flavor.
 */
export function createOpenAiCompatibleModule(flavor: OpenAiFlavor): ProviderModule {
  const prefix = `${flavor.basePath}/`;
  return {
    name: flavor.name,
    routes: [chatCompletionsRoute(flavor), completionsRoute(flavor), embeddingsRoute(flavor), responsesRoute(flavor), ...modelRoutes(flavor)],
    owns: ({ path }) => path.startsWith(prefix),
    headers: ({ n }) => ({
      'x-request-id': `req_emu_${n}`,
      'openai-version': '2020-10-01',
      'openai-processing-ms': '1',
      // Rate-limit headers as the API sends them on every response
      // (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers).
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-limit-tokens': '30000000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-remaining-tokens': '29999000',
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-reset-tokens': '2ms',
    }),
    authenticate: (ctx: RouteContext) => {
      // https://platform.openai.com/docs/api-reference/authentication: `Authorization: Bearer <key>`.
      const auth = ctx.headers.authorization;
      const key = typeof auth === 'string' ? auth.replace(/^Bearer\s*/i, '').trim() : '';
      return key === '' ? { status: 401, message: MISSING_KEY_MESSAGE, type: 'invalid_request_error', code: null } : undefined;
    },
    sendError: sendOpenAiError,
  };
}

export const openai: ProviderModule = createOpenAiCompatibleModule(OPENAI_FLAVOR);
export { OPENAI_FLAVOR, type OpenAiFlavor } from './flavor.js';
export { openAiErrorBody } from './errors.js';
