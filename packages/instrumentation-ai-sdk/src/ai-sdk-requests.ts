import { GenAiOperationName as Op } from '@llm-provenance/semantic-conventions';
import type { BodyFormat, RouteMatch, RouteMatcher } from '@llm-provenance/instrumentation-inference-servers';
import { ANTHROPIC_MESSAGES, CHAT_COMPLETIONS, COMPLETIONS, EMBEDDINGS, RESPONSES } from './wire-formats.js';

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
