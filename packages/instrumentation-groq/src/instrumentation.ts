import {
  GenAIInstrumentationBase,
  requestIdFromApiError,
  requestIdFromResponseHeader,
  resourcesWithCreate,
  stainlessStreamHandling,
  supportedModuleDefinition,
  type GenAIInstrumentationConfig,
  type ResourceOperation,
} from '@llm-provenance/instrumentation-common';
import { GroqChatStreamAccumulator, groqChatRequest, groqChatResponse, groqEmbeddingsRequest, groqEmbeddingsResponse } from './mapping.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_SDK_VERSIONS } from './version.js';

// The provider's request id: response header `x-request-id`, or the SDK's own field on an API error.
const READ_REQUEST_ID = requestIdFromResponseHeader('x-request-id');
const READ_ERROR_REQUEST_ID = requestIdFromApiError('x-request-id');

export type GroqInstrumentationConfig = GenAIInstrumentationConfig;

type AnyFunction = (...args: any[]) => any;

type Operation = ResourceOperation<any>;

const CHAT: Operation = { request: groqChatRequest, response: groqChatResponse, accumulator: (c) => new GroqChatStreamAccumulator(c) };
const EMBEDDINGS: Operation = { request: groqEmbeddingsRequest, response: groqEmbeddingsResponse };

/**
 * Traces `groq-sdk`: `chat.completions.create` (plain and `stream: true`, tool calls included) and
 * `embeddings.create`. Patches `Groq.Chat.Completions.prototype` and `Groq.Embeddings.prototype`,
 * reachable from the package's main export in its CommonJS and ES module builds and shared by every
 * client instance.
 */
export class GroqInstrumentation extends GenAIInstrumentationBase<GroqInstrumentationConfig> {
  constructor(config: GroqInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return supportedModuleDefinition(
      this._diag,
      'groq-sdk',
      SUPPORTED_SDK_VERSIONS,
      (exports) => this._patch(exports),
      (exports) => this._unpatch(exports),
    );
  }

  private _patchPoints(exports: any) {
    const Groq = exports?.Groq ?? exports?.default;
    return resourcesWithCreate([
      [Groq?.Chat?.Completions?.prototype, CHAT],
      [Groq?.Embeddings?.prototype, EMBEDDINGS],
    ]);
  }

  private _patch(exports: any): any {
    const points = this._patchPoints(exports);
    if (points.length === 0) this._diag.warn('groq-sdk loaded, but Groq.Chat.Completions / Groq.Embeddings were not found; nothing is traced');
    for (const [proto, op] of points) this._rewrap(proto, 'create', this._getPatchedCreate(op));
    return exports;
  }

  private _unpatch(exports: any): void {
    for (const [proto] of this._patchPoints(exports)) this._unwrapAll(proto, ['create']);
  }

  /**
   * https://console.groq.com/docs/api-reference#chat-create and #embeddings-create: `create` returns the
   * SDK's APIPromise of a completion, a Stream of chunks, or an embeddings list.
   */
  private _getPatchedCreate(op: Operation) {
    const self = this;
    return (original: AnyFunction) =>
      function patchedCreate(this: any, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const client = this?._client;
        const body = args[0] ?? {};
        return self.traceGenAICall({
          request: () => op.request(body, client),
          invoke: () => original.apply(this, args),
          response: op.response,
          // groq-sdk's Stream ends quietly when its controller is aborted; the signal tells.
          stream: op.accumulator ? stainlessStreamHandling(op.accumulator) : undefined,
          onReturned: READ_REQUEST_ID,
          onError: READ_ERROR_REQUEST_ID,
        });
      };
  }
}
