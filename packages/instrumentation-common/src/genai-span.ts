import { SpanKind, context as otelContext, trace, type Attributes, type Context, type Span, type Tracer, type TimeInput } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_PROVENANCE_CREDENTIAL_FINGERPRINT,
  ATTR_PROVENANCE_PROVIDER_REQUEST_ID,
  GEN_AI_CONTENT_ATTRIBUTES,
  GenAiCostSource,
  type InputMessages,
  type OutputMessages,
  type SystemInstructions,
  type ToolDefinitions,
} from '@llm-provenance/semantic-conventions';
import { definedAttributes, serverAttributesFromUrl } from './attributes.js';
import { readAttribution } from './attribution.js';
import { recordSpanError } from './errors.js';
import { costAttributes, computeCost, lookupPrice, type PriceTable, type TokenUsage } from './pricing.js';
import { fingerprintCredential } from './redaction.js';

/** Content of a request; recorded only when content capture is on. */
export interface GenAIRequestContent {
  inputMessages?: InputMessages;
  systemInstructions?: SystemInstructions;
  toolDefinitions?: ToolDefinitions;
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
  /** Other content attributes (e.g. `gen_ai.tool.call.result`); recorded only when capture is on. */
  contentAttributes?: Attributes;
}

/** Per-call policy the span handle applies. */
export interface GenAIPolicy {
  captureContent: boolean;
  priceTable: PriceTable;
  /** Overrides `GenAIRequest.providerName` when set (instrumentation option `providerName`). */
  providerName?: string;
}

const CONTENT_KEYS = new Set<string>(GEN_AI_CONTENT_ATTRIBUTES);

/**
 * The raw credential of each span's call, kept beside the span handle (not on it, so no inspection or
 * serialisation of the handle shows it) only to scrub its literal value from error messages.
 */
const CREDENTIALS = new WeakMap<GenAISpan, string>();

/**
 * One GenAI CLIENT span and what is known about its call. Backends rarely touch it directly:
 * `traceGenAICall` drives it. All methods are idempotent after `end()`.
 */
export class GenAISpan {
  readonly span: Span;
  /** Context with this span active: run the SDK call in it so transport spans become children. */
  readonly context: Context;
  readonly captureContent: boolean;
  private readonly providerName: string;
  private readonly requestModel: string | undefined;
  private readonly startedAt = performance.now();
  private firstChunkAt: number | undefined;
  private requestId: string | undefined;
  private ended = false;

  constructor(tracer: Tracer, request: GenAIRequest, private readonly policy: GenAIPolicy, parent: Context = otelContext.active()) {
    this.captureContent = policy.captureContent;
    this.providerName = policy.providerName ?? request.providerName;
    this.requestModel = request.requestModel;
    if (typeof request.credential === 'string' && request.credential !== '') CREDENTIALS.set(this, request.credential);
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: request.operationName,
      [ATTR_GEN_AI_PROVIDER_NAME]: this.providerName,
      ...definedAttributes({ [ATTR_GEN_AI_REQUEST_MODEL]: request.requestModel }),
      ...serverAttributesFromUrl(request.baseUrl),
      ...withoutContent(request.attributes),
      ...readAttribution(parent),
      ...definedAttributes({ [ATTR_PROVENANCE_CREDENTIAL_FINGERPRINT]: fingerprintCredential(request.credential) }),
    };
    if (this.captureContent && request.content) {
      const content = typeof request.content === 'function' ? request.content() : request.content;
      Object.assign(attributes, requestContentAttributes(content));
    }
    if (this.captureContent && request.contentAttributes) Object.assign(attributes, request.contentAttributes);
    const name = request.requestModel ? `${request.operationName} ${request.requestModel}` : request.operationName;
    this.span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    this.context = trace.setSpan(parent, this.span);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Notes the arrival of a stream chunk (the first one sets `gen_ai.response.time_to_first_chunk`). */
  markChunk(): void {
    if (this.firstChunkAt === undefined) this.firstChunkAt = performance.now();
  }

  /** Records the provider's request id (may arrive before the body, e.g. from response headers). */
  setRequestId(id: string | null | undefined): void {
    if (typeof id === 'string' && id !== '') this.requestId = id;
  }

  /** Records response attributes, usage, cost and (under the capture policy) output messages. */
  recordResponse(response: GenAIResponse | undefined): void {
    if (this.ended || !response) return;
    if (typeof response.requestId === 'string' && response.requestId !== '') this.requestId = response.requestId;
    const usage = response.usage;
    const attributes: Attributes = {
      ...withoutContent(response.attributes),
      ...definedAttributes({
        [ATTR_GEN_AI_RESPONSE_ID]: response.id,
        [ATTR_GEN_AI_RESPONSE_MODEL]: response.model,
        [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: response.finishReasons?.length ? response.finishReasons : undefined,
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage?.inputTokens,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage?.outputTokens,
        [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: usage?.cacheReadInputTokens,
        [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: usage?.cacheCreationInputTokens,
        [ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: usage?.reasoningOutputTokens,
      }),
    };
    if (response.providerCost && typeof response.providerCost.amount === 'number') {
      Object.assign(
        attributes,
        costAttributes({ ...response.providerCost, source: GenAiCostSource.PROVIDER }),
      );
    } else {
      const model = response.model ?? this.requestModel;
      let price = lookupPrice(this.policy.priceTable, this.providerName, model ?? undefined);
      if (!price && response.model && this.requestModel) {
        price = lookupPrice(this.policy.priceTable, this.providerName, this.requestModel);
      }
      Object.assign(attributes, costAttributes(computeCost(price, usage)));
    }
    if (this.captureContent && response.outputMessages) {
      attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] = JSON.stringify(response.outputMessages);
    }
    if (this.captureContent && response.contentAttributes) Object.assign(attributes, response.contentAttributes);
    this.span.setAttributes(attributes);
  }

  /** Marks the span failed (`error.type`, status ERROR, scrubbed message). */
  recordError(err: unknown, errorType?: string): void {
    if (this.ended) return;
    recordSpanError(this.span, err, errorType, [CREDENTIALS.get(this)]);
  }

  /** Ends the span (once). `endTime` lets an abandoned stream end at its last activity. */
  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    if (this.firstChunkAt !== undefined) {
      this.span.setAttribute(ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, (this.firstChunkAt - this.startedAt) / 1000);
    }
    if (this.requestId) this.span.setAttribute(ATTR_PROVENANCE_PROVIDER_REQUEST_ID, this.requestId);
    this.span.end(endTime);
  }
}

/** Content attributes for request content (JSON strings in the conventions' schema). */
export function requestContentAttributes(content: GenAIRequestContent | undefined): Attributes {
  if (!content) return {};
  const out: Attributes = {};
  if (content.inputMessages) out[ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(content.inputMessages);
  if (content.systemInstructions && content.systemInstructions.length > 0) {
    out[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(content.systemInstructions);
  }
  if (content.toolDefinitions && content.toolDefinitions.length > 0) {
    out[ATTR_GEN_AI_TOOL_DEFINITIONS] = JSON.stringify(content.toolDefinitions);
  }
  return out;
}

/** Backend attribute maps must not smuggle content past the capture policy. */
function withoutContent(attributes: Attributes | undefined): Attributes {
  if (!attributes) return {};
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!CONTENT_KEYS.has(key) && value !== undefined && value !== null) out[key] = value;
  }
  return out;
}
