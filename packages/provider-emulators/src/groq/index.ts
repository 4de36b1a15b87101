import type { ProviderModule } from '../core/types.js';
import { embeddingsRoute } from '../openai/embeddings.js';
import { createOpenAiCompatibleModule } from '../openai/index.js';
import { modelRoutes } from '../openai/models.js';
import { groqChatCompletionsRoute } from './chat-completions.js';
import { GROQ_FLAVOR } from './flavor.js';

const base = createOpenAiCompatibleModule(GROQ_FLAVOR);

/**
 * Groq (https://console.groq.com/docs/api-reference): the OpenAI wire format under /openai/v1 with
 * Groq's own chat completions (usage timings, `x_groq`, streamed usage in the last chunk's
 * `x_groq.usage`), embeddings and models. Auth, error bodies and 404s are the OpenAI ones, as Groq's are.
 */
export const groq: ProviderModule = {
  ...base,
  name: GROQ_FLAVOR.name,
  routes: [groqChatCompletionsRoute, embeddingsRoute(GROQ_FLAVOR), ...modelRoutes(GROQ_FLAVOR)],
  headers: ({ n }) => ({
    'x-request-id': `req_emu_${n}`,
    // Groq's rate-limit headers (https://console.groq.com/docs/rate-limits#rate-limit-headers).
    'x-ratelimit-limit-requests': '14400',
    'x-ratelimit-limit-tokens': '6000',
    'x-ratelimit-remaining-requests': '14399',
    'x-ratelimit-remaining-tokens': '5990',
    'x-ratelimit-reset-requests': '6s',
    'x-ratelimit-reset-tokens': '100ms',
  }),
};
