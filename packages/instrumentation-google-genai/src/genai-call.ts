import type { EmbedCall, GenerateCall } from './request.js';

/**
 * What a call of `@google/genai`'s `Models` reads: the `params` argument, and from `this.apiClient`
 * whether it goes to Vertex AI or the Gemini API (`apiClient.isVertexAI()`), the base URL (a per-request
 * `config.httpOptions.baseUrl` wins) and the API key (fingerprinted only).
 */
function clientInfo(apiClient: any, config: { httpOptions?: { baseUrl?: string } }) {
  const vertex = typeof apiClient?.isVertexAI === 'function' ? apiClient.isVertexAI() === true : false;
  let baseUrl: string | undefined = config?.httpOptions?.baseUrl;
  if (!baseUrl && typeof apiClient?.getBaseUrl === 'function') baseUrl = apiClient.getBaseUrl();
  const credential = typeof apiClient?.getApiKey === 'function' ? apiClient.getApiKey() : undefined;
  return { vertex, baseUrl, credential: typeof credential === 'string' ? credential : undefined };
}

/** `Models.prototype.generateContentInternal` / `generateContentStreamInternal(params)`. */
export function genaiGenerateCall(models: any, params: any, stream: boolean): GenerateCall {
  const config = params?.config ?? {};
  return {
    model: params?.model,
    contents: params?.contents,
    params: config,
    systemInstruction: config.systemInstruction,
    tools: config.tools,
    ...clientInfo(models?.apiClient, config),
    stream,
  };
}

/** `Models.prototype.embedContentInternal(params)` (`embedContent` in early 1.x). */
export function genaiEmbedCall(models: any, params: any): EmbedCall {
  return { model: params?.model, contents: params?.contents ?? params?.content, ...clientInfo(models?.apiClient, params?.config ?? {}) };
}

/** https://googleapis.github.io/js-genai/ — `config.abortSignal` cancels the request. */
export function genaiAbortSignal(params: any): AbortSignal | undefined {
  return params?.config?.abortSignal;
}
