import {
  GenAIInstrumentationBase,
  supportedModuleDefinition,
  type GenAIInstrumentationConfig,
  type StreamAccumulator,
} from '@llm-provenance/instrumentation-common';
import { legacyEmbedCall, legacyGenerateCall, legacyChatCall, type LegacyTarget } from './legacy-request.js';
import { embedRequest, generateContentRequest } from './request.js';
import { embedResponse, generateContentResponse, GenerateStreamAccumulator, joinTextParts } from './response.js';
import {
  PACKAGE_NAME,
  PACKAGE_VERSION,
  SUPPORTED_GENERATIVE_AI_VERSIONS,
  SUPPORTED_GOOGLE_GENAI_VERSIONS,
} from './version.js';

export type GoogleGenAIInstrumentationConfig = GenAIInstrumentationConfig;

type AnyFunction = (...args: any[]) => any;

/**
 * Traces Google's Gemini SDKs:
 *
 * - `@google/genai` (Gemini API and Vertex AI): `models.generateContent`, `generateContentStream`,
 *   `embedContent`, and chats (`chats.create().sendMessage / sendMessageStream`, which call the same
 *   model methods with the whole history). The public methods are per-instance arrow functions, so the
 *   patch points are the prototype methods every one of them funnels into, one per HTTP request:
 *   `Models.prototype.generateContentInternal`, `generateContentStreamInternal` and
 *   `embedContentInternal` (`embedContent` itself on the prototype before 1.2x). A call that makes
 *   several requests (automatic function calling, automatic continuation) gives one span per request.
 *   Streams are the SDK's own async generators, observed in place.
 * - the legacy `@google/generative-ai`: `GenerativeModel.prototype.generateContent`,
 *   `generateContentStream`, `embedContent`, `batchEmbedContents` and `ChatSession.prototype.sendMessage`,
 *   `sendMessageStream` (chats do not go through the model's methods there).
 */
export class GoogleGenAIInstrumentation extends GenAIInstrumentationBase<GoogleGenAIInstrumentationConfig> {
  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return [
      supportedModuleDefinition(
        this._diag,
        '@google/genai',
        SUPPORTED_GOOGLE_GENAI_VERSIONS,
        (exports) => this._patchGoogleGenAI(exports),
        (exports) => this._unwrapAll(exports?.Models?.prototype, GENAI_METHODS),
      ),
      supportedModuleDefinition(
        this._diag,
        '@google/generative-ai',
        SUPPORTED_GENERATIVE_AI_VERSIONS,
        (exports) => this._patchGenerativeAI(exports),
        (exports) => {
          this._unwrapAll(exports?.GenerativeModel?.prototype, LEGACY_MODEL_METHODS);
          this._unwrapAll(exports?.ChatSession?.prototype, LEGACY_CHAT_METHODS);
        },
      ),
    ];
  }

  private _patchGoogleGenAI(exports: any) {
    const proto = exports?.Models?.prototype;
    if (!proto) {
      this._diag.warn('@google/genai: no Models class in the module exports; not instrumented');
      return exports;
    }
    this._rewrap(proto, 'generateContentInternal', this._getPatchedGenerateContent(false));
    this._rewrap(proto, 'generateContentStreamInternal', this._getPatchedGenerateContent(true));
    // embedContentInternal since 1.2x; before that embedContent was the prototype method itself.
    const embed = typeof proto.embedContentInternal === 'function' ? 'embedContentInternal' : 'embedContent';
    this._rewrap(proto, embed, this._getPatchedEmbedContent());
    return exports;
  }

  private _patchGenerativeAI(exports: any) {
    const model = exports?.GenerativeModel?.prototype;
    const chat = exports?.ChatSession?.prototype;
    if (!model || !chat) {
      this._diag.warn('@google/generative-ai: no GenerativeModel/ChatSession class in the module exports; not instrumented');
      return exports;
    }
    this._rewrap(model, 'generateContent', this._getPatchedLegacyGenerate('model', false));
    this._rewrap(model, 'generateContentStream', this._getPatchedLegacyGenerate('model', true));
    this._rewrap(model, 'embedContent', this._getPatchedLegacyEmbed('single'));
    this._rewrap(model, 'batchEmbedContents', this._getPatchedLegacyEmbed('batch'));
    this._rewrap(chat, 'sendMessage', this._getPatchedLegacyGenerate('chat', false));
    this._rewrap(chat, 'sendMessageStream', this._getPatchedLegacyGenerate('chat', true));
    return exports;
  }

  /** Models.prototype.generateContentInternal / generateContentStreamInternal(params). */
  private _getPatchedGenerateContent(stream: boolean) {
    const self = this;
    return (original: AnyFunction) =>
      function patchedGenerateContent(this: any, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const params = args[0] ?? {};
        const apiClient = this?.apiClient;
        const config = params.config ?? {};
        return self.traceGenAICall({
          request: () =>
            generateContentRequest({
              model: params.model,
              contents: params.contents,
              params: config,
              systemInstruction: config.systemInstruction,
              tools: config.tools,
              ...clientInfo(apiClient, config),
              stream,
            }),
          invoke: () => original.apply(this, args),
          response: generateContentResponse,
          ...(stream
            ? {
                stream: {
                  accumulator: ({ captureContent }): StreamAccumulator => {
                    const acc = new GenerateStreamAccumulator(captureContent);
                    return { onChunk: (chunk) => acc.add(chunk), result: () => acc.response(), isComplete: () => acc.isComplete };
                  },
                  // https://googleapis.github.io/js-genai/ — `config.abortSignal` cancels the request.
                  abortSignal: () => config.abortSignal,
                },
              }
            : {}),
          errorType: abortErrorType,
        });
      };
  }

  /** Models.prototype.embedContentInternal(params) (embedContent in early 1.x). */
  private _getPatchedEmbedContent() {
    const self = this;
    return (original: AnyFunction) =>
      function patchedEmbedContent(this: any, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const params = args[0] ?? {};
        const apiClient = this?.apiClient;
        return self.traceGenAICall({
          request: () => embedRequest({ model: params.model, contents: params.contents ?? params.content, ...clientInfo(apiClient, params.config ?? {}) }),
          invoke: () => original.apply(this, args),
          response: embedResponse,
          errorType: abortErrorType,
        });
      };
  }

  /** Legacy GenerativeModel.generateContent(Stream) and ChatSession.sendMessage(Stream). */
  private _getPatchedLegacyGenerate(kind: 'model' | 'chat', stream: boolean) {
    const self = this;
    return (original: AnyFunction) =>
      function patchedLegacyGenerate(this: LegacyTarget, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const target = this;
        return self.traceGenAICall({
          request: () => generateContentRequest(kind === 'model' ? legacyGenerateCall(target, args[0], args[1], stream) : legacyChatCall(target, args[0], args[1], stream)),
          invoke: () => original.apply(this, args),
          // Resolves to `{ response }`; streamed: `{ stream, response }` where `response` settles once
          // the SDK has read the whole body (it tees the stream), so the span ends then.
          response: (value) => generateContentResponse(stream ? joinTextParts(value) : value?.response),
          ...(stream ? { deferredResponse: (value: any) => value?.response } : {}),
          errorType: abortErrorType,
        });
      };
  }

  /** Legacy GenerativeModel.embedContent / batchEmbedContents. */
  private _getPatchedLegacyEmbed(kind: 'single' | 'batch') {
    const self = this;
    return (original: AnyFunction) =>
      function patchedLegacyEmbed(this: LegacyTarget, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const target = this;
        return self.traceGenAICall({
          request: () => embedRequest(legacyEmbedCall(target, kind, args[0], args[1])),
          invoke: () => original.apply(this, args),
          response: embedResponse,
          errorType: abortErrorType,
        });
      };
  }
}

const GENAI_METHODS = ['generateContentInternal', 'generateContentStreamInternal', 'embedContentInternal', 'embedContent'] as const;
const LEGACY_MODEL_METHODS = ['generateContent', 'generateContentStream', 'embedContent', 'batchEmbedContents'] as const;
const LEGACY_CHAT_METHODS = ['sendMessage', 'sendMessageStream'] as const;

/**
 * Where a @google/genai call goes: Vertex AI or the Gemini API (`apiClient.isVertexAI()`), the base URL
 * (a per-request `config.httpOptions.baseUrl` wins) and the API key (fingerprinted only).
 */
function clientInfo(apiClient: any, config: { httpOptions?: { baseUrl?: string } }) {
  const vertex = typeof apiClient?.isVertexAI === 'function' ? apiClient.isVertexAI() === true : false;
  let baseUrl: string | undefined = config?.httpOptions?.baseUrl;
  if (!baseUrl && typeof apiClient?.getBaseUrl === 'function') baseUrl = apiClient.getBaseUrl();
  const credential = typeof apiClient?.getApiKey === 'function' ? apiClient.getApiKey() : undefined;
  return { vertex, baseUrl, credential: typeof credential === 'string' ? credential : undefined };
}

/** fetch's DOMException and the legacy SDK's GoogleGenerativeAIAbortError both mean "aborted". */
function abortErrorType(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { name?: unknown; constructor?: { name?: unknown } };
  if (e.name === 'AbortError' || e.constructor?.name === 'GoogleGenerativeAIAbortError') return 'AbortError';
  return undefined;
}
