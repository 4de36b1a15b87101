import {
  GenAIInstrumentationBase,
  type GenAIBackend,
  type GenAIInstrumentationConfig,
  type ModulePatch,
  type TracedMethod,
} from '@llm-provenance/instrumentation-common';
import { genaiAbortSignal, genaiEmbedCall, genaiGenerateCall } from './genai-call.js';
import { legacyChatCall, legacyEmbedCall, legacyGenerateCall, type LegacyTarget } from './legacy-request.js';
import { embedContentRequest, generateContentRequest } from './request.js';
import { embedContentResponse, errorType, generateContentResponse, GenerateContentStreamAccumulator, joinTextParts, type GeminiResponse } from './response.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

export type GoogleGenAIInstrumentationConfig = GenAIInstrumentationConfig;

const GENERATE_CONTENT: TracedMethod = {
  request: (models, [params]) => generateContentRequest(genaiGenerateCall(models, params, false)),
  response: generateContentResponse,
  errorType,
};

/** Streams are the SDK's own async generators, observed in place. */
const GENERATE_CONTENT_STREAM: TracedMethod = {
  request: (models, [params]) => generateContentRequest(genaiGenerateCall(models, params, true)),
  response: generateContentResponse,
  stream: {
    accumulator: ({ captureContent }) => new GenerateContentStreamAccumulator(captureContent),
    abortSignal: (_stream, [params]) => genaiAbortSignal(params),
  },
  errorType,
};

const EMBED_CONTENT: TracedMethod = {
  request: (models, [params]) => embedContentRequest(genaiEmbedCall(models, params)),
  response: embedContentResponse,
  errorType,
};

/**
 * `@google/genai` (Gemini API and Vertex AI): `models.generateContent`, `generateContentStream`,
 * `embedContent`, and chats (`chats.create().sendMessage / sendMessageStream`, which call the same
 * model methods with the whole history). The public methods are per-instance arrow functions, so the
 * patch points are the prototype methods every one of them funnels into, one per HTTP request. A call
 * that makes several requests (automatic function calling, automatic continuation) gives one span per
 * request.
 */
const GOOGLE_GENAI_MODULE: ModulePatch = {
  module: '@google/genai',
  versions: SUPPORTED_VERSIONS['@google/genai'],
  targets(exports) {
    const models = exports?.Models?.prototype;
    // embedContentInternal since 1.2x; before that embedContent was the prototype method itself.
    const embed = typeof models?.embedContentInternal === 'function' ? 'embedContentInternal' : 'embedContent';
    return [
      {
        target: models,
        methods: { generateContentInternal: GENERATE_CONTENT, generateContentStreamInternal: GENERATE_CONTENT_STREAM, [embed]: EMBED_CONTENT },
      },
    ];
  },
  notFound: '@google/genai: no Models class in the module exports; not instrumented',
};

/** What the legacy methods resolve to: `{ response }`. */
interface LegacyResultWire {
  response?: unknown;
}

/** What the legacy stream methods resolve to: `{ stream, response }`, `response` settling once the body was read. */
interface LegacyStreamResultWire {
  response?: PromiseLike<unknown>;
}

/**
 * Legacy GenerativeModel.generateContent(Stream) and ChatSession.sendMessage(Stream). They resolve to
 * `{ response }`; streamed, to `{ stream, response }` where `response` settles once the SDK has read the
 * whole body (it tees the stream), so the span ends then.
 */
function legacyGenerate(kind: 'model' | 'chat', stream: boolean): TracedMethod {
  const call = kind === 'model' ? legacyGenerateCall : legacyChatCall;
  return {
    request: (target, args) => generateContentRequest(call(target as LegacyTarget, args[0], args[1], stream)),
    response: stream
      ? (value) => generateContentResponse(joinTextParts(value as GeminiResponse | undefined))
      : (value) => generateContentResponse((value as LegacyResultWire | null | undefined)?.response),
    deferredResponse: stream ? (value) => (value as LegacyStreamResultWire | null | undefined)?.response : undefined,
    errorType,
  };
}

function legacyEmbed(kind: 'single' | 'batch'): TracedMethod {
  return {
    request: (target, args) => embedContentRequest(legacyEmbedCall(target as LegacyTarget, kind, args[0], args[1])),
    response: embedContentResponse,
    errorType,
  };
}

const LEGACY_MODEL_METHODS: Record<string, TracedMethod> = {
  generateContent: legacyGenerate('model', false),
  generateContentStream: legacyGenerate('model', true),
  embedContent: legacyEmbed('single'),
  batchEmbedContents: legacyEmbed('batch'),
};

const LEGACY_CHAT_METHODS: Record<string, TracedMethod> = {
  sendMessage: legacyGenerate('chat', false),
  sendMessageStream: legacyGenerate('chat', true),
};

/** The legacy `@google/generative-ai`: chats do not go through the model's methods there. */
const GENERATIVE_AI_MODULE: ModulePatch = {
  module: '@google/generative-ai',
  versions: SUPPORTED_VERSIONS['@google/generative-ai'],
  targets: (exports) => [
    { target: exports?.GenerativeModel?.prototype, methods: LEGACY_MODEL_METHODS },
    { target: exports?.ChatSession?.prototype, methods: LEGACY_CHAT_METHODS },
  ],
  notFound: '@google/generative-ai: no GenerativeModel/ChatSession class in the module exports; not instrumented',
};

/** Traces Google's Gemini SDKs, `@google/genai` and the legacy `@google/generative-ai`. */
export class GoogleGenAIInstrumentation extends GenAIInstrumentationBase<GoogleGenAIInstrumentationConfig> {
  static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [GOOGLE_GENAI_MODULE, GENERATIVE_AI_MODULE] };
}
