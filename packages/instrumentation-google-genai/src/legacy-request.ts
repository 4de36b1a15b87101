import type { ConfiguredCredentials } from '@llm-provenance/instrumentation-common';
import type { EmbedCall, GenerateCall, GenerationParams } from './request.js';
import { normalizeContents } from './parts.js';

/** The legacy SDK's default endpoint (RequestUrl in @google/generative-ai). */
const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

/** What the legacy GenerativeModel / ChatSession instances hold (their fields are public in practice). */
export interface LegacyTarget {
  model?: string;
  apiKey?: string;
  _apiKey?: string;
  generationConfig?: GenerationParams;
  systemInstruction?: unknown;
  tools?: unknown;
  params?: { generationConfig?: GenerationParams; systemInstruction?: unknown; tools?: unknown };
  _history?: unknown[];
  _requestOptions?: LegacyRequestOptions;
}

/** The legacy `RequestOptions`: set on the model (`getGenerativeModel(params, requestOptions)`) or per call. */
interface LegacyRequestOptions {
  baseUrl?: string;
  customHeaders?: unknown;
}

/** A legacy generate request given as an object (`GenerateContentRequest`) rather than as its contents. */
interface LegacyGenerateRequestWire {
  contents?: unknown;
  generationConfig?: GenerationParams;
  systemInstruction?: unknown;
  tools?: unknown;
}

function baseUrlOf(target: LegacyTarget, options: unknown): string {
  const requestOptions = options as LegacyRequestOptions | null | undefined;
  return requestOptions?.baseUrl ?? target._requestOptions?.baseUrl ?? DEFAULT_BASE_URL;
}

/**
 * Where a legacy call's credentials are (read only if it fails): the API key (sent as `x-goog-api-key`),
 * and the `customHeaders` and `baseUrl` of the model's and the call's `RequestOptions`
 * (https://github.com/google/generative-ai-js, `RequestOptions`). The SDK puts the
 * base URL, user info included, in its own error messages ("Error fetching from <url>").
 */
function legacyCredentials(target: LegacyTarget, options: unknown): () => ConfiguredCredentials {
  return () => {
    const holders = [target._requestOptions, options as LegacyRequestOptions | null | undefined];
    return {
      values: [target.apiKey, target._apiKey],
      headers: holders.map((holder) => holder?.customHeaders),
      urls: holders.map((holder) => holder?.baseUrl),
    };
  };
}

/**
 * GenerativeModel.generateContent(request, requestOptions): the model's own generationConfig,
 * systemInstruction and tools apply unless the request object sets its own (the SDK merges the same way).
 */
export function legacyGenerateCall(target: LegacyTarget, request: unknown, requestOptions: unknown, stream: boolean): GenerateCall {
  const req = (
    request && typeof request === 'object' && !Array.isArray(request) && 'contents' in request ? request : { contents: request }
  ) as LegacyGenerateRequestWire;
  return {
    model: target.model,
    contents: req.contents,
    params: req.generationConfig ?? target.generationConfig ?? {},
    systemInstruction: req.systemInstruction ?? target.systemInstruction,
    tools: req.tools ?? target.tools,
    vertex: false,
    baseUrl: baseUrlOf(target, requestOptions),
    credential: target.apiKey,
    configuredCredentials: legacyCredentials(target, requestOptions),
    stream,
  };
}

/** ChatSession.sendMessage(request): the session's history plus the new user turn. */
export function legacyChatCall(target: LegacyTarget, request: unknown, requestOptions: unknown, stream: boolean): GenerateCall {
  const history = Array.isArray(target._history) ? target._history : [];
  const params = target.params ?? {};
  return {
    model: target.model,
    contents: [...normalizeContents(history), ...normalizeContents(request)],
    params: params.generationConfig ?? {},
    systemInstruction: params.systemInstruction,
    tools: params.tools,
    vertex: false,
    baseUrl: baseUrlOf(target, requestOptions),
    credential: target._apiKey,
    configuredCredentials: legacyCredentials(target, requestOptions),
    stream: stream,
  };
}

/**
 * embedContent(request) takes a string, parts or `{ content }`; batchEmbedContents(`{ requests: [{ content }] }`).
 */
export function legacyEmbedCall(target: LegacyTarget, kind: 'single' | 'batch', request: unknown, requestOptions: unknown): EmbedCall {
  const batch = request as { requests?: Array<{ content?: unknown } | null> } | null | undefined;
  const contents =
    kind === 'batch'
      ? (Array.isArray(batch?.requests) ? batch.requests : []).map((r) => r?.content)
      : request && typeof request === 'object' && !Array.isArray(request) && 'content' in request
        ? [request.content]
        : request;
  return {
    model: target.model,
    contents,
    vertex: false,
    baseUrl: baseUrlOf(target, requestOptions),
    credential: target.apiKey,
    configuredCredentials: legacyCredentials(target, requestOptions),
  };
}
