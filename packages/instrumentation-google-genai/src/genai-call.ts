import type { ConfiguredCredentials } from '@llm-provenance/instrumentation-common';
import type { EmbedCall, GenerateCall, GenerationParams } from './request.js';

/** What a `Models` instance holds: its `apiClient`, whose methods may be missing in some versions. */
interface ModelsWire {
  apiClient?: {
    isVertexAI?: () => unknown;
    getBaseUrl?: () => string | undefined;
    getApiKey?: () => unknown;
    getHeaders?: () => unknown;
  } | null;
}

/** The `params` of a `Models` call (https://googleapis.github.io/js-genai/): `content` is the early 1.x name of `contents`. */
interface ParamsWire {
  model?: unknown;
  contents?: unknown;
  content?: unknown;
  config?: ConfigWire | null;
}

/** A call's `config`: generation parameters plus what is not one. */
interface ConfigWire extends GenerationParams {
  systemInstruction?: unknown;
  tools?: unknown;
  httpOptions?: { baseUrl?: string; headers?: unknown };
  abortSignal?: AbortSignal;
}

/**
 * What a call of `@google/genai`'s `Models` reads: the `params` argument, and from `this.apiClient`
 * whether it goes to Vertex AI or the Gemini API (`apiClient.isVertexAI()`), the base URL (a per-request
 * `config.httpOptions.baseUrl` wins) and the API key (fingerprinted only).
 */
function clientInfo(apiClient: ModelsWire['apiClient'], config: ConfigWire) {
  const vertex = typeof apiClient?.isVertexAI === 'function' ? apiClient.isVertexAI() === true : false;
  let baseUrl: string | undefined = config?.httpOptions?.baseUrl;
  if (!baseUrl && typeof apiClient?.getBaseUrl === 'function') baseUrl = apiClient.getBaseUrl();
  const credential = typeof apiClient?.getApiKey === 'function' ? apiClient.getApiKey() : undefined;
  return {
    vertex,
    baseUrl,
    credential: typeof credential === 'string' ? credential : undefined,
    configuredCredentials: () => configuredCredentials(apiClient, config),
  };
}

/**
 * Where a `@google/genai` call's credentials are (read only if it fails): the API key (sent as
 * `x-goog-api-key`), the client's `httpOptions.headers` and base URL (also from GOOGLE_GEMINI_BASE_URL /
 * GOOGLE_VERTEX_BASE_URL) as `apiClient` resolved them, and the call's own `config.httpOptions`, which
 * the SDK merges over them (https://googleapis.github.io/js-genai/, `HttpOptions`).
 */
function configuredCredentials(apiClient: ModelsWire['apiClient'], config: ConfigWire): ConfiguredCredentials {
  const read = (method: keyof NonNullable<ModelsWire['apiClient']>): unknown => {
    try {
      const getter = apiClient?.[method];
      return typeof getter === 'function' ? getter.call(apiClient) : undefined;
    } catch {
      return undefined; // e.g. getHeaders() throws when no headers are set
    }
  };
  return {
    values: [read('getApiKey')],
    headers: [read('getHeaders'), config?.httpOptions?.headers],
    urls: [read('getBaseUrl'), config?.httpOptions?.baseUrl],
  };
}

/** `Models.prototype.generateContentInternal` / `generateContentStreamInternal(params)`. */
export function genaiGenerateCall(self: unknown, value: unknown, stream: boolean): GenerateCall {
  const models = self as ModelsWire | null | undefined;
  const params = value as ParamsWire | null | undefined;
  const config: ConfigWire = params?.config ?? {};
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
export function genaiEmbedCall(self: unknown, value: unknown): EmbedCall {
  const models = self as ModelsWire | null | undefined;
  const params = value as ParamsWire | null | undefined;
  return { model: params?.model, contents: params?.contents ?? params?.content, ...clientInfo(models?.apiClient, params?.config ?? {}) };
}

/** https://googleapis.github.io/js-genai/ — `config.abortSignal` cancels the request. */
export function genaiAbortSignal(params: unknown): AbortSignal | undefined {
  return (params as ParamsWire | null | undefined)?.config?.abortSignal;
}
