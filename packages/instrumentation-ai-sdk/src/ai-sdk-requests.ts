import { GenAiOperationName as Op } from '@llm-provenance/semantic-conventions';
import type { BodyFormat, RouteMatch, RouteMatcher } from '@llm-provenance/instrumentation-inference-servers';
import { CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS, RESPONSES } from './wire-formats.js';

/**
 * Every request the AI SDK's providers send has `ai-sdk/<package>/<version>` parts in its User-Agent:
 * `postToApi` of @ai-sdk/provider-utils appends `ai-sdk/provider-utils/<version>` (and the runtime), the
 * provider its own (`ai-sdk/openai/3.0.141`) unless the `ai` call's headers replace the User-Agent with
 * `ai/<version>`. That, not the host, says a request is an AI SDK model call, so a provider pointed at any
 * base URL is recognised, and nothing else is; the route then says which wire API it speaks.
 */
const AI_SDK_AGENT = /(?:^|\s)ai-sdk\/[\w.-]+\//;

/** Where each operation's request goes, under the provider's base URL; `/chat/completions` before `/completions`. */
const OPENAI_WIRE_ROUTES: ReadonlyArray<{ suffix: string; operation: string; format: BodyFormat }> = [
  { suffix: '/chat/completions', operation: Op.CHAT, format: CHAT_COMPLETIONS },
  { suffix: '/responses', operation: Op.CHAT, format: RESPONSES },
  { suffix: '/completions', operation: Op.TEXT_COMPLETION, format: COMPLETIONS },
  { suffix: '/embeddings', operation: Op.EMBEDDINGS, format: EMBEDDINGS },
];

/**
 * Recognises the model calls of the AI SDK's OpenAI and OpenAI-compatible providers: a POST whose
 * User-Agent names one of them, to one of the OpenAI wire routes. The base URL is what precedes the route.
 */
export const AI_SDK_REQUESTS: RouteMatcher = {
  match(method, origin, path, header): RouteMatch | undefined {
    if (method !== 'POST' || !header) return undefined;
    const agent = header('user-agent');
    if (agent === undefined || !AI_SDK_AGENT.test(agent)) return undefined;
    const q = path.search(/[?#]/);
    const pathname = (q === -1 ? path : path.slice(0, q)).replace(/\/+$/, '');
    for (const route of OPENAI_WIRE_ROUTES) {
      if (!pathname.endsWith(route.suffix)) continue;
      const baseUrl = origin + pathname.slice(0, pathname.length - route.suffix.length);
      return { providerName: '', operationName: route.operation, baseUrl, params: {}, format: route.format };
    }
    return undefined;
  },
};
