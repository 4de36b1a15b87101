import {
  GenAIInstrumentationBase,
  requestIdFromApiError,
  requestIdFromResponseHeader,
  stainlessStreamHandling,
  supportedModuleDefinition,
  type GenAIInstrumentationConfig,
} from '@llm-provenance/instrumentation-common';
import { anthropicErrorType, countTokensResponseOf, messageResponseOf } from './response.js';
import { chatRequestOf, countTokensRequestOf, type MessageCreateBody, type RequestOptionsLike } from './request.js';
import { withoutSdkSpans } from './sdk-spans.js';
import { MessageStreamAccumulator } from './stream-accumulator.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_SDK_VERSIONS } from './version.js';

// The provider's request id: response header `request-id`, or the SDK's own field on an API error.
const READ_REQUEST_ID = requestIdFromResponseHeader('request-id');
const READ_ERROR_REQUEST_ID = requestIdFromApiError('request-id');

export type AnthropicInstrumentationConfig = GenAIInstrumentationConfig;

type AnyFunction = (...args: any[]) => any;

/** `Messages.prototype`, shared by every client's `client.messages`. */
interface MessagesPrototype {
  create: AnyFunction;
  /** Absent on Beta.Messages before 1.x (never patched then); typed as present so `_wrap` accepts it. */
  stream: AnyFunction;
  /** Absent before 0.33 (never patched then); typed as present so `_wrap` accepts it. */
  countTokens: AnyFunction;
}

/**
 * Traces `@anthropic-ai/sdk` Messages API calls: `messages.create` (plain and `stream: true`),
 * `messages.stream()` (whose request goes through `create`, so it gets the same span), `messages.parse()`
 * (also through `create`) and `messages.countTokens`, and the same methods of `beta.messages`. Patches
 * `Anthropic.Messages.prototype` and `Anthropic.Beta.Messages.prototype`, reachable from the package's
 * main export in both its CommonJS and ES module builds, so every client is covered.
 */
export class AnthropicInstrumentation extends GenAIInstrumentationBase<AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return supportedModuleDefinition(
      this._diag,
      '@anthropic-ai/sdk',
      SUPPORTED_SDK_VERSIONS,
      (exports) => this._patch(exports),
      (exports) => this._unpatch(exports),
    );
  }

  /**
   * `Messages.prototype` and `Beta.Messages.prototype` (the beta Messages API, same request and
   * response shapes; its `stream()` and `parse()` go through its `create`).
   */
  private _messagesPrototypes(exports: any): MessagesPrototype[] {
    const Anthropic = exports?.Anthropic ?? exports?.default;
    const protos: MessagesPrototype[] = [];
    for (const proto of [Anthropic?.Messages?.prototype, Anthropic?.Beta?.Messages?.prototype]) {
      if (proto && typeof proto.create === 'function') protos.push(proto);
    }
    return protos;
  }

  private _patch(exports: any): any {
    const protos = this._messagesPrototypes(exports);
    if (protos.length === 0) {
      this._diag.warn('@anthropic-ai/sdk: Anthropic.Messages.prototype.create not found; calls are not instrumented');
    }
    for (const proto of protos) {
      // Never twice: a second wrap would give every call two spans.
      this._rewrap(proto, 'create', this._getPatchedCreate());
      this._rewrap(proto, 'stream', this._getPatchedStream());
      this._rewrap(proto, 'countTokens', this._getPatchedCountTokens());
    }
    return exports;
  }

  private _unpatch(exports: any): void {
    for (const proto of this._messagesPrototypes(exports)) this._unwrapAll(proto, ['create', 'stream', 'countTokens']);
  }

  /** https://docs.anthropic.com/en/api/messages: returns APIPromise<Message> or APIPromise<Stream<event>>. */
  private _getPatchedCreate() {
    const self = this;
    return (original: AnyFunction) =>
      function patchedCreate(this: any, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const client = this?._client;
        const body = (args[0] ?? {}) as MessageCreateBody;
        const options = args[1] as RequestOptionsLike | undefined;
        return self.traceGenAICall({
          request: () => chatRequestOf(body, client, options),
          invoke: () => withoutSdkSpans(client, () => original.apply(this, args)),
          response: messageResponseOf,
          // The SDK's Stream ends quietly when its controller is aborted (MessageStream.abort() aborts
          // it too); the signal tells, and the SDK's own name for that is APIUserAbortError.
          stream: stainlessStreamHandling((captureContent) => new MessageStreamAccumulator(captureContent)),
          // The request id of a streamed call is only in the response headers (a Message carries `_request_id`).
          onReturned: body.stream === true ? READ_REQUEST_ID : undefined,
          onError: READ_ERROR_REQUEST_ID,
          errorType: anthropicErrorType,
        });
      };
  }

  /**
   * `messages.stream()` returns a MessageStream that sends its request through `messages.create`
   * (patched above), so the span comes from there. This wrapper only keeps the SDK's own span for the
   * helper from starting (it starts one before calling `create`).
   */
  private _getPatchedStream() {
    const self = this;
    return (original: AnyFunction) =>
      function patchedStream(this: any, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        return withoutSdkSpans(this?._client, () => original.apply(this, args));
      };
  }

  /** https://docs.anthropic.com/en/api/messages-count-tokens: returns APIPromise<{ input_tokens }>. */
  private _getPatchedCountTokens() {
    const self = this;
    return (original: AnyFunction) =>
      function patchedCountTokens(this: any, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const client = this?._client;
        const body = (args[0] ?? {}) as MessageCreateBody;
        return self.traceGenAICall({
          request: () => countTokensRequestOf(body, client),
          invoke: () => withoutSdkSpans(client, () => original.apply(this, args)),
          response: countTokensResponseOf,
          onError: READ_ERROR_REQUEST_ID,
          errorType: anthropicErrorType,
        });
      };
  }
}

