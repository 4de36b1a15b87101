import {
  CompletionStreamAccumulator,
  completionRequest,
  completionResponse,
  GenAIInstrumentationBase,
  type GenAIBackend,
  openAiEmbeddingsRequest,
  openAiEmbeddingsResponse,
  stainlessModule,
  type GenAIInstrumentationConfig,
  type ModulePatch,
  type StainlessOperation,
} from '@llm-provenance/instrumentation-common';
import { ChatStreamAccumulator, chatRequest, chatResponse } from './chat-mapping.js';
import { clientInfo, type ClientInfo } from './client-info.js';
import { ResponsesStreamAccumulator, responsesRequest, responsesResponse } from './responses-mapping.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

export type OpenAIInstrumentationConfig = GenAIInstrumentationConfig;

type Operation = StainlessOperation<ClientInfo>;

// A stream without `stream_options.include_usage` is sent with it, the extra usage chunk hidden from the app.
const CHAT: Operation = { request: chatRequest, response: chatResponse, accumulator: (c) => new ChatStreamAccumulator(c), requestsStreamUsage: true };
const COMPLETIONS: Operation = {
  request: completionRequest,
  response: completionResponse,
  accumulator: (c) => new CompletionStreamAccumulator(c),
  requestsStreamUsage: true,
};
// Embeddings share the OpenAI wire-format mapping in instrumentation-common (groq uses it too).
const EMBEDDINGS: Operation = { request: openAiEmbeddingsRequest, response: openAiEmbeddingsResponse };
const RESPONSES: Operation = { request: responsesRequest, response: responsesResponse, accumulator: (c) => new ResponsesStreamAccumulator(c) };

/**
 * What is patched: the `create` method of four resource prototypes reachable from the client class,
 * shared by every client instance. The helpers `chat.completions.parse/stream/runTools` and
 * `responses.parse/stream` call `this._client.chat.completions.create` / `responses.create` internally
 * and are therefore traced through these patches.
 */
const OPENAI_MODULE: ModulePatch = stainlessModule({
  module: 'openai',
  versions: SUPPORTED_VERSIONS.openai,
  // `exports.OpenAI` (v4 CJS also is the class; the ESM namespace has both).
  clientClass: (exports) => exports?.OpenAI ?? exports?.default ?? exports,
  client: clientInfo,
  requestIdHeader: 'x-request-id',
  resources: [
    { resource: (OpenAI) => OpenAI?.Chat?.Completions, methods: { create: CHAT } },
    { resource: (OpenAI) => OpenAI?.Completions, methods: { create: COMPLETIONS } },
    { resource: (OpenAI) => OpenAI?.Embeddings, methods: { create: EMBEDDINGS } },
    { resource: (OpenAI) => OpenAI?.Responses, methods: { create: RESPONSES } },
  ],
  notFound: 'openai loaded, but none of its resource prototypes was found; nothing is traced',
});

/** Traces the `openai` package (majors 4..7) under both `require` and `import`. */
export class OpenAIInstrumentation extends GenAIInstrumentationBase<OpenAIInstrumentationConfig> {
  static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [OPENAI_MODULE] };
}
