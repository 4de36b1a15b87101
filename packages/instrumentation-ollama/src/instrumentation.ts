import {
  fetchAbortErrorType,
  GenAIInstrumentationBase,
  type GenAIBackend,
  type GenAIInstrumentationConfig,
  type GenAIRequest,
  type GenAIResponse,
  type ModulePatch,
  type SdkMembers,
  type StreamAccumulator,
  type StreamHandling,
  type TracedMethod,
} from '@llm-provenance/instrumentation-common';
import type { OllamaClientConfig } from './credential.js';
import { chatRequest, embeddingsRequest, embedRequest, generateRequest, type OllamaRequest } from './request.js';
import { ChatStreamAccumulator, chatResponse, embeddingsResponse, embedResponse, GenerateStreamAccumulator, generateResponse } from './response.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

export type OllamaInstrumentationConfig = GenAIInstrumentationConfig;

/** Streams are the SDK's own `AbortableAsyncIterator`, observed in place: `abort()` keeps working and ends the span. */
function streamOf(accumulator: new (captureContent: boolean) => StreamAccumulator): StreamHandling {
  return {
    accumulator: ({ captureContent }) => new accumulator(captureContent),
    // The iterator's own controller: `abort()` aborts it, and so does `ollama.abort()`.
    abortSignal: (stream: unknown) => (stream as { abortController?: AbortController } | null | undefined)?.abortController?.signal,
    abortMethods: ['abort'],
  };
}

/** What an `Ollama` instance holds: the options it was created with. */
interface OllamaClient {
  config?: OllamaClientConfig;
}

/** One method of the client: a single HTTP call to Ollama's native API, `(request)` on an `Ollama` instance. */
function method(
  request: (request: OllamaRequest, config?: OllamaClientConfig) => GenAIRequest,
  response: (value: unknown) => GenAIResponse,
  stream?: StreamHandling,
): TracedMethod {
  return {
    request: (client, args) => request(args[0] ?? {}, (client as OllamaClient | null | undefined)?.config),
    response,
    stream,
    errorType: fetchAbortErrorType,
  };
}

const METHODS: Record<string, TracedMethod> = {
  chat: method(chatRequest, chatResponse, streamOf(ChatStreamAccumulator)),
  generate: method(generateRequest, generateResponse, streamOf(GenerateStreamAccumulator)),
  embed: method(embedRequest, embedResponse),
  embeddings: method(embeddingsRequest, embeddingsResponse),
};

/** The prototype that defines `chat` (the browser base class), reached from the package's exports. */
function clientPrototype(exports: SdkMembers | undefined): object | undefined {
  const candidates: Array<object | null | undefined> = [
    exports?.Ollama?.prototype,
    exports?.default && (Object.getPrototypeOf(exports.default) as object | null),
  ];
  for (let proto of candidates) {
    while (proto && proto !== Object.prototype) {
      if (Object.hasOwn(proto, 'chat')) return proto;
      proto = Object.getPrototypeOf(proto) as object | null;
    }
  }
  return undefined;
}

/**
 * The methods live on the browser `Ollama` class that the Node `Ollama` class extends, and both the
 * default export (`import ollama from 'ollama'`) and `new Ollama({ host })` are instances of it, so
 * patching that one prototype covers every client (https://github.com/ollama/ollama-js). `ollama/browser`
 * (dist/browser.*) exports the base class itself; hooking that file covers apps that load only the
 * browser entry. A method this version lacks (e.g. embed() before 0.5.6) is skipped.
 */
const OLLAMA_MODULE: ModulePatch = {
  module: 'ollama',
  versions: SUPPORTED_VERSIONS.ollama,
  files: ['ollama/dist/browser.cjs', 'ollama/dist/browser.mjs'],
  targets: (exports) => [{ target: clientPrototype(exports), methods: METHODS }],
  notFound: 'ollama: no Ollama client class found in the module exports; not instrumented',
};

/** Traces the `ollama` client: `chat`, `generate`, `embed` and the legacy `embeddings`, streamed or not. */
export class OllamaInstrumentation extends GenAIInstrumentationBase<OllamaInstrumentationConfig> {
  static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [OLLAMA_MODULE] };
}
