import { isWrapped } from '@opentelemetry/instrumentation';
import {
  GenAIInstrumentationBase,
  supportedModuleDefinition,
  type GenAIInstrumentationConfig,
  type GenAIRequest,
  type GenAIResponse,
  type GenAISpan,
  type StreamAccumulator,
} from '@llm-provenance/instrumentation-common';
import { GroqChatStreamAccumulator, groqChatRequest, groqChatResponse, groqEmbeddingsRequest, groqEmbeddingsResponse } from './mapping.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_SDK_VERSIONS } from './version.js';

export type GroqInstrumentationConfig = GenAIInstrumentationConfig;

type AnyFunction = (...args: any[]) => any;

interface Operation {
  request: (body: any, client: any) => GenAIRequest;
  response: (result: any) => GenAIResponse | undefined;
  accumulator?: (captureContent: boolean) => StreamAccumulator<any>;
}

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

  private _patchPoints(exports: any): Array<[{ create: AnyFunction }, Operation]> {
    const Groq = exports?.Groq ?? exports?.default;
    const points: Array<[{ create: AnyFunction }, Operation]> = [];
    for (const [proto, op] of [
      [Groq?.Chat?.Completions?.prototype, CHAT],
      [Groq?.Embeddings?.prototype, EMBEDDINGS],
    ] as const) {
      if (proto && typeof proto.create === 'function') points.push([proto, op]);
    }
    return points;
  }

  private _patch(exports: any): any {
    const points = this._patchPoints(exports);
    if (points.length === 0) this._diag.warn('groq-sdk loaded, but Groq.Chat.Completions / Groq.Embeddings were not found; nothing is traced');
    for (const [proto, op] of points) {
      // Never twice: a second wrap would give every call two spans.
      if (isWrapped(proto.create)) this._unwrap(proto, 'create');
      this._wrap(proto, 'create', this._getPatchedCreate(op));
    }
    return exports;
  }

  private _unpatch(exports: any): void {
    for (const [proto] of this._patchPoints(exports)) if (isWrapped(proto.create)) this._unwrap(proto, 'create');
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
          stream: op.accumulator
            ? {
                accumulator: ({ captureContent }) => op.accumulator!(captureContent),
                // groq-sdk's Stream ends quietly when its controller is aborted; the signal tells.
                abortSignal: (stream: any) => stream?.controller?.signal,
                abortErrorType: 'APIUserAbortError',
              }
            : undefined,
          onReturned: readRequestId,
          onError: (err: any, span: GenAISpan) => span.setRequestId(headerOf(err?.headers, 'x-request-id')),
        });
      };
  }
}

/** Groq's `x-request-id` header, read from `asResponse()` (headers only; the body is not touched). */
function readRequestId(returned: any, span: GenAISpan): void {
  if (typeof returned?.asResponse !== 'function') return;
  Promise.resolve(returned.asResponse()).then(
    (response: any) => span.setRequestId(headerOf(response?.headers, 'x-request-id')),
    () => undefined,
  );
}

/** A header from a fetch `Headers` (groq-sdk 1.x) or a plain object (0.x errors). */
function headerOf(headers: any, name: string): string | undefined {
  if (!headers) return undefined;
  const value = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  return typeof value === 'string' ? value : undefined;
}
