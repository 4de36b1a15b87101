import {
  SpanKind,
  context as otelContext,
  createContextKey,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  type TimeInput,
} from '@opentelemetry/api';
import {
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_PROVENANCE_MODEL_CALL_RECORDED_BY,
  ATTR_PROVENANCE_PROVIDER_REQUEST_ID,
  ATTR_PROVENANCE_USAGE_UNKNOWN,
  type InputMessages,
  type OutputMessages,
  type SystemInstructions,
  type ToolDefinitions,
  isModelCallAttributes,
} from '@llm-provenance/semantic-conventions';
import type { ConfiguredCredentials } from './error-redaction.js';
import { errorTypeOf, recordSpanError } from './errors.js';
import { CallMeasurement, type GenAIMetrics } from './genai-metrics.js';
import type { PriceTable, TokenUsage } from './pricing.js';
import { requestSpanAttributes, responseSpanAttributes } from './span-attributes.js';
import { headerValue } from './stainless-request-id.js';
import { isUsageUnknown } from './usage-policy.js';

export { requestContentAttributes } from './span-attributes.js';

/**
 * Content of a request; recorded only when content capture is on. Each part may instead be given as its
 * JSON text (`inputMessagesJson` ...: exactly what `JSON.stringify` gives for the object form, see
 * json-text.ts), which wins over the object form; for system instructions and tool definitions, only
 * when there are any.
 */
export interface GenAIRequestContent {
  inputMessages?: InputMessages;
  systemInstructions?: SystemInstructions;
  toolDefinitions?: ToolDefinitions;
  inputMessagesJson?: string;
  systemInstructionsJson?: string;
  toolDefinitionsJson?: string;
}

/** What a backend maps an SDK request to. */
export interface GenAIRequest {
  /** `gen_ai.operation.name`, e.g. 'chat', 'embeddings', 'text_completion', 'generate_content'. */
  operationName: string;
  /** `gen_ai.provider.name` (the instrumentation's `providerName` option overrides it). */
  providerName: string;
  /** `gen_ai.request.model`; also the second half of the span name. */
  requestModel?: string;
  /** The client's base URL: gives `server.address` / `server.port` (host and port only). */
  baseUrl?: string | URL | null;
  /** Request attributes: use `genAIRequestAttributes()` plus backend-specific ones. */
  attributes?: Attributes;
  /** The raw credential used (API key / token). Only its fingerprint is recorded, never the value. */
  credential?: string | null;
  /**
   * The SDK client and the call's request options: read only if the call fails, for the credential values
   * they were configured with (headers, query parameters, base URL), which are removed from the error
   * (error-redaction.ts). Never recorded.
   */
  sdkClient?: unknown;
  requestOptions?: unknown;
  /**
   * For an SDK that is not a Stainless client: where the call's configured credentials are (API key,
   * headers, query parameters, base URL), in SDK-neutral form. Called only if the call fails; what it
   * finds is removed from the error (error-redaction.ts). Never recorded.
   */
  configuredCredentials?: () => ConfiguredCredentials | undefined;
  /** Request content, or a function computing it (called only when capture is on). */
  content?: GenAIRequestContent | (() => GenAIRequestContent | undefined);
  /** Other content attributes (e.g. `gen_ai.tool.call.arguments`); recorded only when capture is on. */
  contentAttributes?: Attributes;
}

/** What a backend maps an SDK response (or an accumulated stream) to. */
export interface GenAIResponse {
  id?: string | null;
  model?: string | null;
  finishReasons?: string[];
  usage?: TokenUsage;
  /** A cost the provider itself reported; wins over the price table (`gen_ai.usage.cost.source=provider`). */
  providerCost?: { amount: number; currency: string };
  /** The provider's request id (e.g. `x-request-id`) -> `provenance.provider.request_id`. */
  requestId?: string | null;
  /** Backend-specific response attributes (e.g. `openai.response.service_tier`). */
  attributes?: Attributes;
  /** Output messages; recorded only when capture is on. */
  outputMessages?: OutputMessages;
  /** The output messages as JSON text (exactly what `JSON.stringify(outputMessages)` gives); wins over `outputMessages`. */
  outputMessagesJson?: string;
  /** Other content attributes (e.g. `gen_ai.tool.call.result`); recorded only when capture is on. */
  contentAttributes?: Attributes;
}

/**
 * Set in the context a traced call runs in (`GenAISpan.context`): an HTTP-level instrumentation that
 * sees the SDK's own request leaves it alone, so a call gives one GenAI span, not two.
 */
const IN_GENAI_CALL = createContextKey('llm-provenance in GenAI call');

/** Whether `ctx` is inside a call a GenAI span already covers (see `GenAISpan.context`). */
export function isInGenAICall(ctx: Context = otelContext.active()): boolean {
  return ctx.getValue(IN_GENAI_CALL) === true;
}

/**
 * When this call runs inside another instrumentation's span of the same model call (a framework's own
 * GenAI telemetry: the `chat` span the Vercel AI SDK's OpenTelemetry integration makes around the request
 * this span records), that span gets `provenance.model_call.recorded_by` = this span's id, so the store's
 * readers count the call once, from this span, which carries the payloads and the cost. The outer span's
 * attributes are read from the SDK's span object (`ReadableSpan.attributes`); a span without them is left
 * alone. Our own GenAI spans never nest (`isInGenAICall`), so the outer span is never ours.
 */
function markOuterModelCall(parent: Context, span: Span): void {
  try {
    const outer = trace.getSpan(parent);
    if (outer === undefined || !outer.isRecording()) return;
    const attributes = (outer as { attributes?: Attributes }).attributes;
    if (attributes === undefined || !isModelCallAttributes(attributes)) return;
    outer.setAttribute(ATTR_PROVENANCE_MODEL_CALL_RECORDED_BY, span.spanContext().spanId);
  } catch {
    // Another library's span object: nothing about it may break the call.
  }
}

/** Per-call policy the span handle applies. */
export interface GenAIPolicy {
  captureContent: boolean;
  priceTable: PriceTable;
  /** Overrides `GenAIRequest.providerName` when set (instrumentation option `providerName`). */
  providerName?: string;
  /** The instrumentation's metric instruments (genai-metrics.ts); without them, or without a MeterProvider, nothing is measured. */
  metrics?: GenAIMetrics;
}

/**
 * One GenAI CLIENT span and what is known about its call. Backends rarely touch it directly:
 * `traceGenAICall` drives it. All methods are idempotent after `end()`.
 */
export class GenAISpan {
  readonly span: Span;
  /**
   * Context with this span active: run the SDK call in it so transport spans become children. It also
   * says the call is covered (`isInGenAICall`), so HTTP-level GenAI instrumentation adds no second span.
   */
  readonly context: Context;
  readonly captureContent: boolean;
  private readonly providerName: string;
  private readonly operationName: string;
  private readonly requestModel: string | undefined;
  private readonly startedAt = performance.now();
  private firstChunkAt: number | undefined;
  private requestId: string | undefined;
  /** The request id already on the span (written with the response attributes). */
  private recordedRequestId: string | undefined;
  /** Response headers that may carry the request id, read only if nothing else gives one (see `setRequestIdHeader`). */
  private requestIdHeaders: unknown = undefined;
  private requestIdHeader: string | undefined = undefined;
  /** Whether `gen_ai.response.time_to_first_chunk` went out with the response attributes. */
  private recordedFirstChunk = false;
  private ended = false;
  /** What the call adds to the GenAI metrics; only while a MeterProvider is registered. */
  private readonly measurement: CallMeasurement | undefined;
  /**
   * The raw credential of the call, kept only to scrub its literal value from error messages. A
   * private field: no inspection, serialisation or property enumeration of the handle shows it.
   */
  readonly #credential: string | undefined;
  /** Where the call's configured credentials are read from if it fails (never recorded). */
  readonly #sdkClient: unknown;
  readonly #requestOptions: unknown;
  readonly #configuredCredentials: (() => ConfiguredCredentials | undefined) | undefined;

  constructor(
    tracer: Tracer,
    request: GenAIRequest,
    private readonly policy: GenAIPolicy,
    parent: Context = otelContext.active(),
  ) {
    this.captureContent = policy.captureContent;
    this.providerName = policy.providerName ?? request.providerName;
    this.operationName = request.operationName;
    this.requestModel = request.requestModel;
    this.#credential = typeof request.credential === 'string' && request.credential !== '' ? request.credential : undefined;
    this.#sdkClient = request.sdkClient;
    this.#requestOptions = request.requestOptions;
    this.#configuredCredentials = request.configuredCredentials;
    const attributes = requestSpanAttributes(request, policy, this.providerName, parent);
    const instruments = policy.metrics?.instruments;
    this.measurement = instruments ? new CallMeasurement(instruments, attributes, this.startedAt) : undefined;
    this.span = tracer.startSpan(spanName(request.operationName, request.requestModel), { kind: SpanKind.CLIENT, attributes }, parent);
    markOuterModelCall(parent, this.span);
    this.context = trace.setSpan(parent, this.span).setValue(IN_GENAI_CALL, true);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Notes the arrival of a stream chunk (the first one sets `gen_ai.response.time_to_first_chunk`). */
  markChunk(): void {
    if (this.firstChunkAt === undefined) {
      this.firstChunkAt = performance.now();
      this.measurement?.onChunk(this.firstChunkAt);
    } else if (this.measurement) {
      this.measurement.onChunk(performance.now());
    }
  }

  /** Records the provider's request id (may arrive before the body, e.g. from response headers). */
  setRequestId(id: string | null | undefined): void {
    if (typeof id === 'string' && id !== '') this.requestId = id;
  }

  /**
   * The response headers of the call (a fetch `Headers` or a plain object) and the header carrying the
   * provider's request id. The header is read only if neither the response body nor an error gives the
   * id (most SDKs copy it into the body, e.g. openai's `_request_id`): when the span's attributes are written.
   */
  setRequestIdHeader(headers: unknown, name: string): void {
    this.requestIdHeaders = headers;
    this.requestIdHeader = name;
  }

  /** The request id known so far, reading the response header if nothing else gave one. */
  private knownRequestId(): string | undefined {
    const headers = this.requestIdHeaders;
    if (this.requestId === undefined && headers !== undefined) {
      this.requestIdHeaders = undefined;
      try {
        this.setRequestId(headerValue(headers, this.requestIdHeader!));
      } catch {
        // a failed header read costs the request id only
      }
    }
    return this.requestId;
  }

  /**
   * Records response attributes, usage, cost and (under the capture policy) output messages, with the
   * request id and a stream's time to first chunk when known: one `setAttributes` for everything the
   * response adds. `complete` (default: yes) says the response is whole, e.g. a stream's terminal chunk
   * arrived: one without token counts then has none to come (`provenance.usage.unknown`).
   */
  recordResponse(response: GenAIResponse | undefined, complete = true): void {
    if (this.ended || !response) return;
    if (typeof response.requestId === 'string' && response.requestId !== '') this.requestId = response.requestId;
    const attributes = responseSpanAttributes(response, this.policy, this.providerName, this.requestModel, (performance.now() - this.startedAt) / 1000);
    if (complete && isUsageUnknown(this.operationName, response.usage)) attributes[ATTR_PROVENANCE_USAGE_UNKNOWN] = true;
    const requestId = this.knownRequestId();
    if (requestId) attributes[ATTR_PROVENANCE_PROVIDER_REQUEST_ID] = this.recordedRequestId = requestId;
    if (this.firstChunkAt !== undefined) {
      attributes[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = (this.firstChunkAt - this.startedAt) / 1000;
      this.recordedFirstChunk = true;
    }
    this.span.setAttributes(attributes);
    this.measurement?.onResponse(attributes);
  }

  /** Marks the span failed (`error.type`, status ERROR, scrubbed message). */
  recordError(err: unknown, errorType?: string): void {
    if (this.ended) return;
    this.measurement?.onError(errorType ?? errorTypeOf(err));
    recordSpanError(this.span, err, errorType, {
      credential: this.#credential,
      sdkClient: this.#sdkClient,
      requestOptions: this.#requestOptions,
      configured: this.#configuredCredentials,
    });
  }

  /** Ends the span (once). `endTime` lets an abandoned stream end at its last activity. */
  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    if (this.firstChunkAt !== undefined && !this.recordedFirstChunk) {
      this.span.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (this.firstChunkAt - this.startedAt) / 1000);
    }
    const requestId = this.knownRequestId();
    if (requestId && requestId !== this.recordedRequestId) this.span.setAttribute(ATTR_PROVENANCE_PROVIDER_REQUEST_ID, requestId);
    this.span.end(endTime);
    this.measurement?.finish(endTime);
  }
}

/** The span name asked for last: a process mostly makes one kind of call to one model. */
let lastName: { operation: string; model: string; name: string } | undefined;

/** `{operation} {model}`, or the operation alone (GenAI conventions, span name). */
function spanName(operation: string, model: string | undefined): string {
  if (!model) return operation;
  if (lastName === undefined || lastName.operation !== operation || lastName.model !== model) {
    lastName = { operation, model, name: `${operation} ${model}` };
  }
  return lastName.name;
}
