import {
  GenAIInstrumentationBase,
  requestIdFromApiError,
  requestIdFromResponseHeader,
  errorTypeOf,
  openAiEmbeddingsRequest,
  openAiEmbeddingsResponse,
  resourcesWithCreate,
  stainlessStreamHandling,
  supportedModuleDefinition,
  type GenAIInstrumentationConfig,
  type ResourceOperation,
} from '@llm-provenance/instrumentation-common';
import { ChatStreamAccumulator, chatRequest, chatResponse } from './chat-mapping.js';
import { clientInfo, type ClientInfo } from './client-info.js';
import { CompletionStreamAccumulator, completionRequest, completionResponse } from './completions-mapping.js';
import { ResponsesStreamAccumulator, responsesRequest, responsesResponse } from './responses-mapping.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

// The provider's request id: response header `x-request-id`, or the SDK's own field on an API error.
const READ_REQUEST_ID = requestIdFromResponseHeader('x-request-id');
const READ_ERROR_REQUEST_ID = requestIdFromApiError('x-request-id');

export type OpenAIInstrumentationConfig = GenAIInstrumentationConfig;

/** openai majors whose resource prototypes we patch (present in 4.104, 5.23, 6.49, 7.57; tests run 4, 5, 6 and 7). */
export const SUPPORTED_VERSIONS = '>=4 <8';

type Method = (...args: any[]) => any;

type Operation = ResourceOperation<ClientInfo>;

const CHAT: Operation = { request: chatRequest, response: chatResponse, accumulator: (c) => new ChatStreamAccumulator(c) };
const COMPLETIONS: Operation = { request: completionRequest, response: completionResponse, accumulator: (c) => new CompletionStreamAccumulator(c) };
// Embeddings share the OpenAI wire-format mapping in instrumentation-common (groq uses it too).
const EMBEDDINGS: Operation = { request: openAiEmbeddingsRequest, response: openAiEmbeddingsResponse };
const RESPONSES: Operation = { request: responsesRequest, response: responsesResponse, accumulator: (c) => new ResponsesStreamAccumulator(c) };

/**
 * Traces the `openai` package (majors 4..7) under both `require` and `import`. The patch points are
 * resource prototypes reachable from the main export — shared by every client instance — so clients
 * created before or after enabling are traced alike. The helpers `chat.completions.parse/stream/runTools`
 * and `responses.parse/stream` call `this._client.chat.completions.create` / `responses.create`
 * internally and are therefore traced through these patches.
 */
export class OpenAIInstrumentation extends GenAIInstrumentationBase<OpenAIInstrumentationConfig> {
  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    // Other versions load untouched, with one diag warning saying why they produce no spans.
    return [supportedModuleDefinition(this._diag, 'openai', SUPPORTED_VERSIONS, (exports) => this.patch(exports), (exports) => this.unpatch(exports))];
  }

  /** The client class: `exports.OpenAI` (v4 CJS also is the class; the ESM namespace has both). */
  private clientClass(moduleExports: any): any {
    return moduleExports?.OpenAI ?? moduleExports?.default ?? moduleExports;
  }

  private patchPoints(moduleExports: any) {
    const OpenAI = this.clientClass(moduleExports);
    return resourcesWithCreate([
      [OpenAI?.Chat?.Completions?.prototype, CHAT],
      [OpenAI?.Completions?.prototype, COMPLETIONS],
      [OpenAI?.Embeddings?.prototype, EMBEDDINGS],
      [OpenAI?.Responses?.prototype, RESPONSES],
    ]);
  }

  private patch(moduleExports: any): any {
    const points = this.patchPoints(moduleExports);
    if (points.length === 0) this._diag.warn('openai loaded, but none of its resource prototypes was found; nothing is traced');
    for (const [proto, op] of points) this._rewrap(proto, 'create', this._getPatchedCreate(op));
    return moduleExports;
  }

  private unpatch(moduleExports: any): void {
    for (const [proto] of this.patchPoints(moduleExports)) this._unwrapAll(proto, ['create']);
  }

  /** One factory for the four `create` methods; they differ only in their mappers. */
  private _getPatchedCreate(op: Operation) {
    const self = this;
    return (original: Method): Method =>
      function patchedCreate(this: any, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const resource = this;
        const body = args[0] ?? {};
        return self.traceGenAICall({
          request: () => op.request(body, clientInfo(resource?._client)),
          invoke: () => original.apply(resource, args),
          response: op.response,
          // openai's Stream swallows an abort of its controller and just ends; the signal tells.
          stream: op.accumulator ? stainlessStreamHandling(op.accumulator) : undefined,
          onReturned: READ_REQUEST_ID,
          onError: READ_ERROR_REQUEST_ID,
          errorType: errorTypeOf,
        });
      };
  }
}
