import type { InputMessages } from '@llm-provenance/semantic-conventions';
import { configuredProvidersVersion } from '../configured-providers.js';
import type { GenAIRequest } from '../genai-span.js';

/** What a request needs from the client it goes through. */
export interface OpenAiCompatibleClient {
  providerName: string;
  baseUrl?: string | null;
  apiKey?: string | null;
}

/**
 * The part of a request every OpenAI wire-format operation fills alike: what it is, for which model
 * (`body.model` when it is a string), and the client's endpoint and credential; the caller sets
 * `attributes` and `content` on the object (assigning them, not spreading this object into a new one:
 * a spread followed by new keys takes V8's slow path, about 1 µs, on every call).
 */
export function requestTarget(operationName: string, body: unknown, client: OpenAiCompatibleClient): GenAIRequest {
  const model = (body as { model?: unknown } | null | undefined)?.model;
  return {
    operationName,
    providerName: client.providerName,
    requestModel: typeof model === 'string' ? model : undefined,
    baseUrl: client.baseUrl,
    credential: client.apiKey,
    sdkClient: undefined,
    requestOptions: undefined,
    attributes: undefined,
    content: undefined,
  };
}

/**
 * A `prompt` (legacy completions) or `input` (embeddings): a string, an array of token ids, or an array
 * of strings / token-id arrays; each as one user message (text, or `tokens` for token ids).
 */
export function userInputMessages(input: unknown): InputMessages {
  const inputs: unknown[] =
    typeof input === 'string' ? [input] : Array.isArray(input) && input.every((x) => typeof x === 'number') ? [input] : Array.isArray(input) ? input : [];
  return inputs.map((x) => ({ role: 'user', parts: [typeof x === 'string' ? { type: 'text', content: x } : { type: 'tokens', tokens: x }] }));
}

/**
 * Reads what a span needs from an OpenAI-compatible Stainless SDK client (`this._client` of a resource:
 * `baseURL`, `apiKey`): for `StainlessSdk.client`. `providerName` is the provider's name, or a function
 * of the base URL when one SDK reaches several providers (the openai SDK pointed at Groq, Azure ...).
 */
export function openAiCompatibleClient(providerName: string | ((baseUrl: string | undefined) => string)): (sdkClient: unknown) => OpenAiCompatibleClient {
  // The provider of the base URL asked for last: a process mostly talks to one endpoint. Asked again when
  // the configured providers change (configured-providers.ts), which the function may consult.
  let lastBaseUrl: string | undefined;
  let lastProvider: string | undefined;
  let lastVersion = -1;
  const providerOf = (baseUrl: string | undefined): string => {
    if (typeof providerName === 'string') return providerName;
    const version = configuredProvidersVersion();
    if (lastProvider === undefined || baseUrl !== lastBaseUrl || version !== lastVersion) {
      lastProvider = providerName(baseUrl);
      lastBaseUrl = baseUrl;
      lastVersion = version;
    }
    return lastProvider;
  };
  return (sdkClient) => {
    const client = sdkClient as { baseURL?: unknown; apiKey?: unknown } | null | undefined;
    const baseUrl = typeof client?.baseURL === 'string' ? client.baseURL : undefined;
    const apiKey = typeof client?.apiKey === 'string' && client.apiKey !== '' ? client.apiKey : undefined;
    return { baseUrl, apiKey, providerName: providerOf(baseUrl) };
  };
}
