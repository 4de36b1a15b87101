import type { ProviderModule, Route, RouteContext } from '../core/types.js';
import { batchEmbedContents, embedContent, predictEmbeddings } from './embed.js';
import { sendGeminiError } from './errors.js';
import { countTokens, generateContent, streamGenerateContent } from './generate.js';

/**
 * Google Gemini, in both of its REST surfaces:
 * - Gemini API (`@google/genai`, `@google/generative-ai`): `/{v1beta|v1|v1alpha}/models/{model}:{rpc}`
 * - Vertex AI (`vertexai: true`): `/{v1|v1beta1}/[projects/{p}/locations/{l}/]publishers/{pub}/models/{model}:{rpc}`
 * Reference: https://ai.google.dev/api and https://cloud.google.com/vertex-ai/docs/reference/rest
 */
function geminiApiPath(rpc: string): RegExp {
  return new RegExp(`^/(?:v1|v1beta|v1alpha)/(?<model>(?:models|tunedModels)/[^/:]+):${rpc}$`);
}
function vertexPath(rpc: string): RegExp {
  return new RegExp(`^/(?:v1|v1beta1)/(?:projects/[^/]+/locations/[^/]+/)?publishers/[^/]+/models/(?<model>[^/:]+):${rpc}$`);
}

function both(rpc: string, handle: (ctx: RouteContext, vertex: boolean) => void | Promise<void>): Route[] {
  return [
    { method: 'POST', path: geminiApiPath(rpc), handle: (ctx) => handle(ctx, false) },
    { method: 'POST', path: vertexPath(rpc), handle: (ctx) => handle(ctx, true) },
  ];
}

function isVertex(path: string): boolean {
  return path.includes('/publishers/');
}

export const gemini: ProviderModule = {
  name: 'gemini',
  routes: [
    ...both('generateContent', generateContent),
    ...both('streamGenerateContent', streamGenerateContent),
    ...both('countTokens', (ctx) => countTokens(ctx)),
    ...both('embedContent', (ctx) => embedContent(ctx)),
    { method: 'POST', path: geminiApiPath('batchEmbedContents'), handle: batchEmbedContents },
    { method: 'POST', path: vertexPath('predict'), handle: predictEmbeddings },
  ],
  owns({ path }) {
    // `/v1/...` is shared with OpenAI-style routes; Google's RPC paths always carry `:method` or `/publishers/`.
    return /^\/(v1beta1?|v1alpha)\//.test(path) || (/^\/v1\//.test(path) && (path.includes(':') || isVertex(path)));
  },
  authenticate(ctx) {
    const hasKey = typeof ctx.headers['x-goog-api-key'] === 'string' || typeof ctx.query.key === 'string';
    // Vertex AI also takes OAuth bearer tokens (google-auth-library); the Gemini API only API keys.
    if (hasKey || (isVertex(ctx.path) && typeof ctx.headers.authorization === 'string')) return undefined;
    return {
      status: 403,
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    };
  },
  sendError: sendGeminiError,
};
