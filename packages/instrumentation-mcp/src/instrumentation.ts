import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Link, type Span } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
  type InstrumentationConfig,
  type InstrumentationModuleDefinition,
} from '@opentelemetry/instrumentation';
import { ATTR_GEN_AI_TOOL_CALL_ID, ATTR_MCP_PROTOCOL_VERSION, ATTR_MCP_SESSION_ID } from '@llm-provenance/semantic-conventions';
import { resolveCaptureContent, safeErrorMessage, versionSatisfies } from '@llm-provenance/instrumentation-common';
import { errorAttributes, requestSpan, resultAttributes } from './call-attributes.js';
import { extractedContext, isRecord, withInjectedContext } from './meta-propagation.js';
import { hookProtocolFile } from './protocol-hook.js';
import { requestingSpanOf, toolCallIdFromMeta, toolCallOf, TOOL_CALL_ID_META_KEY } from './tool-call.js';
import { sessionIdOf, transportAttributes } from './transport-attributes.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

const SDK_VERSIONS = SUPPORTED_VERSIONS['@modelcontextprotocol/sdk'];

export interface McpInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record tool call arguments and results (`gen_ai.tool.call.arguments`, `gen_ai.tool.call.result`).
   * Default: env `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, else true.
   */
  captureMessageContent?: boolean;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type RequestHandler = (request: unknown, extra: unknown) => Promise<unknown>;
interface JsonRpcRequest {
  method?: unknown;
  params?: unknown;
  id?: unknown;
}
/** The fields of the SDK's `Protocol` (shared/protocol.js) read here; all are guarded, none is assumed. */
interface ProtocolLike {
  _transport?: unknown;
  _requestMessageId?: unknown;
  _requestHandlers?: unknown;
}

/** The SDK's `Protocol` class in its ES module build (the CommonJS one is hooked by protocol-hook.ts). */
const PROTOCOL_ESM_FILE = '@modelcontextprotocol/sdk/dist/esm/shared/protocol.js';
/*
 * Per instrumentation: its require hook while enabled, and every loaded Protocol module it has seen. Kept
 * outside the instance: OTel's InstrumentationBase calls `enable()` from its constructor, before subclass
 * fields exist.
 */
const requireHooks = new WeakMap<object, { unhook(): void }>();
const patchedExports = new WeakMap<object, Set<unknown>>();
/** On a handler we wrapped: the handler it wraps. */
const WRAPPED_HANDLER = Symbol('@llm-provenance/instrumentation-mcp wrapped handler');

/**
 * Traces the Model Context Protocol TypeScript SDK (@modelcontextprotocol/sdk) on both sides of a
 * session, following the MCP semantic conventions (OpenTelemetry GenAI conventions, docs/gen-ai/mcp.md):
 *
 * - every request a `Client` (or a `Server`, for sampling and elicitation) sends, through
 *   `Protocol.prototype.request`, gets a CLIENT span — `callTool`, `readResource`, `getPrompt`,
 *   `listTools` and the rest all send through it — and the span's context travels in the request's
 *   `params._meta` (`traceparent`, `tracestate`, `baggage`);
 * - every request handler (`McpServer` tools, resources and prompts, the low-level `Server`'s
 *   `setRequestHandler`) gets a SERVER span whose parent is the context in `params._meta` and which links
 *   to the context the request arrived in (e.g. the HTTP request's span).
 *
 * Both wrap the SDK's shared `Protocol` class, so one patch covers every transport and both sides.
 */
export class McpInstrumentation extends InstrumentationBase<McpInstrumentationConfig> {
  /** Protocol version negotiated by each Client or Server instance, from its `initialize` exchange. */
  private readonly protocolVersions = new WeakMap<object, string>();

  constructor(config: McpInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationModuleDefinition[] {
    const file = new InstrumentationNodeModuleFile(
      PROTOCOL_ESM_FILE,
      [SDK_VERSIONS],
      (exports: unknown) => this.patchProtocol(exports),
      (exports: unknown) => this.unpatchProtocol(exports),
    );
    return [new InstrumentationNodeModuleDefinition('@modelcontextprotocol/sdk', [SDK_VERSIONS], undefined, undefined, [file])];
  }

  override enable(): void {
    super.enable();
    if (requireHooks.has(this)) return;
    const patched = patchedExports.get(this) ?? new Set<unknown>();
    patchedExports.set(this, patched);
    // Loaded while disabled, or before: patched again now (a later load is seen by the hook).
    for (const exports of patched) this.patchProtocol(exports);
    const hook = hookProtocolFile((exports, version) => {
      if (version === undefined || !versionSatisfies(version, SDK_VERSIONS)) {
        this._diag.warn(`@modelcontextprotocol/sdk@${version ?? 'unknown version'} is outside the supported range "${SDK_VERSIONS}"; it is not instrumented`);
        return exports;
      }
      patched.add(exports);
      return this.patchProtocol(exports);
    });
    requireHooks.set(this, hook);
  }

  override disable(): void {
    super.disable();
    const hook = requireHooks.get(this);
    if (!hook) return;
    requireHooks.delete(this);
    hook.unhook();
    for (const exports of patchedExports.get(this) ?? []) this.unpatchProtocol(exports);
  }

  private patchProtocol(exports: unknown): unknown {
    this.guard('patching Protocol', () => {
      const proto = protocolPrototype(exports);
      if (!proto) return this._diag.warn(`@modelcontextprotocol/sdk loaded without Protocol; nothing is traced`);
      this.unpatchProtocol(exports);
      this._wrap(proto, 'request', (original) => this.patchedRequest(original as AnyFunction));
      this._wrap(proto, 'setRequestHandler', (original) => this.patchedSetRequestHandler(original as AnyFunction));
    });
    return exports;
  }

  private unpatchProtocol(exports: unknown): void {
    const proto = protocolPrototype(exports);
    if (!proto) return;
    for (const name of ['request', 'setRequestHandler']) if (isWrapped(proto[name])) this._unwrap(proto, name);
  }

  /** `Protocol.prototype.request(request, resultSchema, options)`: a CLIENT span until the response arrives. */
  private patchedRequest(original: AnyFunction): AnyFunction {
    const traced = (self: ProtocolLike, args: unknown[]): unknown => {
      const request = args[0] as JsonRpcRequest | undefined;
      if (!this.isEnabled() || typeof request?.method !== 'string') return original.apply(self, args);
      const method = request.method;
      const started = this.guard('starting an MCP client span', () => this.startClientSpan(self, method, request));
      if (!started) return original.apply(self, args);
      const { span, spanContext, toSend } = started;
      let result: unknown;
      try {
        result = context.with(spanContext, () => original.apply(self, [toSend, ...args.slice(1)]));
      } catch (err) {
        this.endWithError(span, err, 'client');
        throw err;
      }
      if (isPromiseLike(result)) {
        result.then(
          (value) => this.endWithResult(self, span, method, value),
          (err: unknown) => this.endWithError(span, err, 'client'),
        );
      } else {
        this.guard('ending an MCP span', () => span.end());
      }
      return result;
    };
    return function request(this: unknown, ...args: unknown[]): unknown {
      return traced(this as ProtocolLike, args);
    };
  }

  private startClientSpan(self: ProtocolLike, method: string, request: JsonRpcRequest) {
    const active = context.active();
    const transport = self._transport;
    // `request()` takes the next id from this counter synchronously, before it sends.
    const { name, attributes } = requestSpan(method, request.params, self._requestMessageId, this.captureContent());
    Object.assign(attributes, transportAttributes(transport, 'client'), this.sessionAttributes(self, sessionIdOf(transport)));
    const links: Link[] = [];
    let toolCallId: string | undefined;
    if (method === 'tools/call') {
      const toolCall = toolCallOf(active);
      toolCallId = toolCall?.id;
      if (toolCallId) attributes[ATTR_GEN_AI_TOOL_CALL_ID] = toolCallId;
      const requestedBy = requestingSpanOf(toolCall);
      if (requestedBy) links.push({ context: requestedBy });
    }
    const span = this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, links }, active);
    const spanContext = trace.setSpan(active, span);
    let toSend = withInjectedContext(request, spanContext);
    if (toolCallId) toSend = withMetaField(toSend, TOOL_CALL_ID_META_KEY, toolCallId);
    return { span, spanContext, toSend };
  }

  /**
   * `Protocol.prototype.setRequestHandler(schema, handler)`: the SDK stores its own wrapper of `handler`
   * in `_requestHandlers` (after parsing with the schema); that stored function is what gets our span,
   * so the span covers parsing and sees the result the peer is sent.
   */
  private patchedSetRequestHandler(original: AnyFunction): AnyFunction {
    // The receiver is the SDK's object (`self`); `this` stays the instrumentation.
    const wrapStored = (self: unknown): void => {
      this.guard('wrapping an MCP request handler', () => this.wrapStoredHandlers(self as ProtocolLike));
    };
    return function setRequestHandler(this: unknown, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      wrapStored(this);
      return result;
    };
  }

  private wrapStoredHandlers(self: ProtocolLike): void {
    const handlers = self._requestHandlers;
    if (!(handlers instanceof Map)) return;
    for (const [method, handler] of handlers as Map<unknown, unknown>) {
      if (typeof method !== 'string' || typeof handler !== 'function' || WRAPPED_HANDLER in handler) continue;
      const wrapped = this.tracedHandler(self, handler as RequestHandler);
      Object.defineProperty(wrapped, WRAPPED_HANDLER, { value: handler });
      handlers.set(method, wrapped);
    }
  }

  /** A stored request handler, traced: a SERVER span from the request's arrival at the handler to its result. */
  private tracedHandler(self: ProtocolLike, handler: RequestHandler): RequestHandler {
    return (request: unknown, extra: unknown): Promise<unknown> => {
      const req = request as JsonRpcRequest | undefined;
      if (!this.isEnabled() || typeof req?.method !== 'string') return handler(request, extra);
      const method = req.method;
      const started = this.guard('starting an MCP server span', () => this.startServerSpan(self, method, req, extra));
      if (!started) return handler(request, extra);
      const { span, spanContext } = started;
      let result: Promise<unknown>;
      try {
        result = context.with(spanContext, () => handler(request, extra));
      } catch (err) {
        this.endWithError(span, err, 'server');
        throw err;
      }
      // Observed beside the SDK, which gets the handler's own promise.
      Promise.resolve(result).then(
        (value) => this.endWithResult(self, span, method, value),
        (err: unknown) => this.endWithError(span, err, 'server'),
      );
      return result;
    };
  }

  private startServerSpan(self: ProtocolLike, method: string, request: JsonRpcRequest, extra: unknown) {
    const ambient = context.active();
    const { name, attributes } = requestSpan(method, request.params, request.id, this.captureContent());
    const extraFields = isRecord(extra) ? extra : {};
    const sessionId = typeof extraFields.sessionId === 'string' && extraFields.sessionId !== '' ? extraFields.sessionId : sessionIdOf(self._transport);
    Object.assign(attributes, transportAttributes(self._transport, 'server'), this.sessionAttributes(self, sessionId));
    if (method === 'tools/call') {
      const toolCallId = toolCallIdFromMeta(isRecord(request.params) ? request.params._meta : undefined);
      if (toolCallId) attributes[ATTR_GEN_AI_TOOL_CALL_ID] = toolCallId;
    }
    // The sender's context is the parent; the context the request arrived in (the transport's) is a link
    // (mcp.md, "Context propagation"). Without one in _meta, the arrival context is the parent.
    const remote = extractedContext(request.params, ROOT_CONTEXT);
    const remoteSpan = trace.getSpanContext(remote);
    const ambientSpan = trace.getSpanContext(ambient);
    const parent = remoteSpan ? remote : ambient;
    const links: Link[] = remoteSpan && ambientSpan ? [{ context: ambientSpan }] : [];
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, links }, parent);
    return { span, spanContext: trace.setSpan(parent, span) };
  }

  private sessionAttributes(self: object, sessionId: string | undefined): Attributes {
    const attributes: Attributes = {};
    if (sessionId) attributes[ATTR_MCP_SESSION_ID] = sessionId;
    const version = this.protocolVersions.get(self);
    if (version) attributes[ATTR_MCP_PROTOCOL_VERSION] = version;
    return attributes;
  }

  private endWithResult(self: object, span: Span, method: string, value: unknown): void {
    this.guard('ending an MCP span', () => {
      if (method === 'initialize' && isRecord(value) && typeof value.protocolVersion === 'string') {
        this.protocolVersions.set(self, value.protocolVersion);
        span.setAttribute(ATTR_MCP_PROTOCOL_VERSION, value.protocolVersion);
      }
      const { attributes, toolError } = resultAttributes(method, value, this.captureContent());
      span.setAttributes(attributes);
      if (toolError) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
  }

  private endWithError(span: Span, err: unknown, side: 'client' | 'server'): void {
    this.guard('ending an MCP span', () => {
      span.setAttributes(errorAttributes(err, side));
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: safeErrorMessage(err) });
      span.end();
    });
  }

  private captureContent(): boolean {
    return resolveCaptureContent(this.getConfig().captureMessageContent);
  }

  /** Runs `fn`; our own failure is reported through diag and never reaches the app. */
  private guard<T>(where: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this._diag.warn(`${where} failed; the call goes on untraced`, err);
      return undefined;
    }
  }
}

function protocolPrototype(exports: unknown): Record<string, unknown> | undefined {
  const proto = (exports as { Protocol?: { prototype?: unknown } } | undefined)?.Protocol?.prototype;
  return proto && typeof proto === 'object' ? (proto as Record<string, unknown>) : undefined;
}

/** A copy of `request` with one more `params._meta` field. */
function withMetaField<R extends { params?: unknown }>(request: R, key: string, value: string): R {
  const params = isRecord(request.params) ? request.params : {};
  const meta = isRecord(params._meta) ? params._meta : {};
  return { ...request, params: { ...params, _meta: { ...meta, [key]: value } } };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
