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
  _requestOptions?: { baseUrl?: string };
}

/** A legacy generate request given as an object (`GenerateContentRequest`) rather than as its contents. */
interface LegacyGenerateRequestWire {
  contents?: unknown;
  generationConfig?: GenerationParams;
  systemInstruction?: unknown;
  tools?: unknown;
}

function baseUrlOf(target: LegacyTarget, options: unknown): string {
  const requestOptions = options as { baseUrl?: string } | null | undefined;
  return requestOptions?.baseUrl ?? target._requestOptions?.baseUrl ?? DEFAULT_BASE_URL;
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
  return { model: target.model, contents, vertex: false, baseUrl: baseUrlOf(target, requestOptions), credential: target.apiKey };
}
