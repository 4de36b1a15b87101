import { GenAiOperationName as Op } from '@llm-provenance/semantic-conventions';
import type { BodyFormat, RouteMatch, RouteMatcher } from '@llm-provenance/instrumentation-inference-servers';
import { ANTHROPIC_MESSAGES, CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS, RESPONSES } from './wire-formats.js';

/**
 * Every request the AI SDK's providers send has an AI SDK part in its User-Agent: `postToApi` of
 * @ai-sdk/provider-utils appends its own (and the runtime), the provider its own unless the `ai` call's
 * headers add `ai/<version>`. The 6 line writes them `ai-sdk/<package>/<version>` (`ai-sdk/provider-utils/4.0.66`,
 * `ai-sdk/openai/3.0.141`), the 7 line `ai-sdk-<package>/<version>` (`ai-sdk-provider-utils/5.0.81`,
 * `ai-sdk-openai/4.0.118`). That, not the host, says a request is an AI SDK model call, so a provider pointed
 * at any base URL is recognised, and nothing else is; the route then says which wire API it speaks.
 */
const AI_SDK_AGENT = /(?:^|\s)ai-sdk[/-][\w.-]+\//;

/** Where each operation's request goes, under the provider's base URL; `/chat/completions` before `/completions`. */
const OPENAI_WIRE_ROUTES: ReadonlyArray<{ suffix: string; operation: string; format: BodyFormat }> = [
  { suffix: '/chat/completions', operation: Op.CHAT, format: CHAT_COMPLETIONS },
  { suffix: '/responses', operation: Op.CHAT, format: RESPONSES },
  { suffix: '/completions', operation: Op.TEXT_COMPLETION, format: COMPLETIONS },
  { suffix: '/embeddings', operation: Op.EMBEDDINGS, format: EMBEDDINGS },
];

/** The Anthropic Messages API route; a request to it carries the `anthropic-version` header. */
const ANTHROPIC_ROUTE = { suffix: '/messages', operation: Op.CHAT, format: ANTHROPIC_MESSAGES };

/**
 * Recognises the model calls of the AI SDK's providers: a POST whose User-Agent names the AI SDK, to one
 * of the OpenAI wire routes, or to Anthropic's `/messages` with an `anthropic-version` header. The base
 * URL is what precedes the route.
 */
export const AI_SDK_REQUESTS: RouteMatcher = {
  match(method, origin, path, header): RouteMatch | undefined {
    if (method !== 'POST' || !header) return undefined;
    const agent = header('user-agent');
    if (agent === undefined || !AI_SDK_AGENT.test(agent)) return undefined;
    const q = path.search(/[?#]/);
    const pathname = (q === -1 ? path : path.slice(0, q)).replace(/\/+$/, '');
    const routes = header('anthropic-version') !== undefined ? [ANTHROPIC_ROUTE] : OPENAI_WIRE_ROUTES;
    for (const route of routes) {
      if (!pathname.endsWith(route.suffix)) continue;
      const baseUrl = origin + pathname.slice(0, pathname.length - route.suffix.length);
      return { providerName: '', operationName: route.operation, baseUrl, params: {}, format: route.format };
    }
    return undefined;
  },
};
