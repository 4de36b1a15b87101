import type { Attributes } from '@opentelemetry/api';
import { definedAttributes, genAIRequestAttributes, type GenAIRequest } from '@llm-provenance/instrumentation-common';
import {
  ATTR_OLLAMA_REQUEST_KEEP_ALIVE,
  ATTR_OLLAMA_REQUEST_NUM_CTX,
  GenAiOperationName,
  GenAiOutputType,
  GenAiProviderName,
} from '@llm-provenance/semantic-conventions';
import { ollamaCredential, type OllamaClientConfig } from './credential.js';
import { inputMessagesOf, toolDefinitionsOf, type OllamaMessage, type OllamaTool } from './messages.js';

/** The request fields of ollama-js's ChatRequest / GenerateRequest / EmbedRequest this package reads. */
export interface OllamaRequest {
  model?: string;
  messages?: OllamaMessage[];
  prompt?: string;
  system?: string;
  images?: Array<string | Uint8Array>;
  input?: string | string[];
  tools?: OllamaTool[];
  stream?: boolean;
  format?: unknown;
  keep_alive?: string | number;
  dimensions?: number;
  options?: {
    temperature?: number;
    top_p?: number;
    top_k?: number;
    num_predict?: number;
    stop?: string | string[];
    seed?: number;
    frequency_penalty?: number;
    presence_penalty?: number;
    num_ctx?: number;
  };
}

export type OllamaOperation = 'chat' | 'generate' | 'embed' | 'embeddings';

/**
 * Span parameters named by the conventions, read from Ollama's `options`
 * (https://github.com/ollama/ollama/blob/main/docs/modelfile.md#valid-parameters-and-values):
 * num_predict -> max_tokens (negative means "no limit" there, so it is not a maximum and is left out).
 */
function parameterAttributes(request: OllamaRequest, operation: OllamaOperation): Attributes {
  const o = request.options ?? {};
  const streams = operation === 'chat' || operation === 'generate';
  const attributes = genAIRequestAttributes({
    maxTokens: typeof o.num_predict === 'number' && o.num_predict >= 0 ? o.num_predict : undefined,
    temperature: o.temperature,
    topP: o.top_p,
    topK: o.top_k,
    frequencyPenalty: o.frequency_penalty,
    presencePenalty: o.presence_penalty,
    stopSequences: o.stop,
    seed: o.seed,
    // ollama-js sends `stream: false` when the caller leaves it out.
    stream: streams ? request.stream === true : undefined,
    outputType: request.format === undefined || request.format === null || request.format === '' ? undefined : GenAiOutputType.JSON,
  });
  return Object.assign(
    attributes,
    definedAttributes({
      [ATTR_OLLAMA_REQUEST_NUM_CTX]: o.num_ctx,
      [ATTR_OLLAMA_REQUEST_KEEP_ALIVE]: request.keep_alive === undefined ? undefined : String(request.keep_alive),
    }),
  );
}

const OPERATION_NAME: Record<OllamaOperation, string> = {
  chat: GenAiOperationName.CHAT,
  generate: GenAiOperationName.TEXT_COMPLETION,
  embed: GenAiOperationName.EMBEDDINGS,
  embeddings: GenAiOperationName.EMBEDDINGS,
};

/**
 * Maps one ollama-js call to the span's request side. `config` is the client's `config`: its `host`
 * is the base URL, its headers may carry a credential (see credential.ts; only fingerprinted). If the
 * call fails, the credential-named `headers` and the user info of `host` (which ollama-js keeps, and
 * fetch then names in its refusal) are removed from the error; ollama-js has no per-request headers.
 */
function ollamaRequest(operation: OllamaOperation, request: OllamaRequest, config: OllamaClientConfig | undefined): GenAIRequest {
  return {
    operationName: OPERATION_NAME[operation],
    providerName: GenAiProviderName.OLLAMA,
    requestModel: typeof request.model === 'string' ? request.model : undefined,
    baseUrl: config?.host,
    credential: ollamaCredential(config),
    configuredCredentials: () => ({ headers: [config?.headers], urls: [config?.host] }),
    attributes: parameterAttributes(request, operation),
    content: () => requestContent(operation, request),
  };
}

/** `chat(request)`: /api/chat. */
export const chatRequest = (request: OllamaRequest, config?: OllamaClientConfig): GenAIRequest => ollamaRequest('chat', request, config);
/** `generate(request)`: /api/generate. */
export const generateRequest = (request: OllamaRequest, config?: OllamaClientConfig): GenAIRequest => ollamaRequest('generate', request, config);
/** `embed(request)`: /api/embed. */
export const embedRequest = (request: OllamaRequest, config?: OllamaClientConfig): GenAIRequest => ollamaRequest('embed', request, config);
/** `embeddings(request)`: /api/embeddings (legacy). */
export const embeddingsRequest = (request: OllamaRequest, config?: OllamaClientConfig): GenAIRequest => ollamaRequest('embeddings', request, config);

function requestContent(operation: OllamaOperation, request: OllamaRequest) {
  switch (operation) {
    case 'chat':
      return { inputMessages: inputMessagesOf(request.messages), toolDefinitions: toolDefinitionsOf(request.tools) };
    case 'generate':
      return {
        inputMessages: inputMessagesOf([{ role: 'user', content: request.prompt ?? '', images: request.images }]),
        systemInstructions: typeof request.system === 'string' && request.system !== '' ? [{ type: 'text', content: request.system }] : undefined,
      };
    case 'embed': {
      const inputs = typeof request.input === 'string' ? [request.input] : Array.isArray(request.input) ? request.input : [];
      return { inputMessages: [{ role: 'user', parts: inputs.map((content) => ({ type: 'text', content })) }] };
    }
    case 'embeddings':
      return { inputMessages: inputMessagesOf([{ role: 'user', content: request.prompt ?? '' }]) };
  }
}
