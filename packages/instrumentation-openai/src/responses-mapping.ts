import {
  ATTR_OPENAI_API_TYPE,
  ATTR_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  GenAiOperationName,
  type ChatMessage,
  type InputMessages,
  type MessagePart,
  type OutputMessage,
  type SystemInstructions,
  type ToolDefinitions,
} from '@llm-provenance/semantic-conventions';
import {
  addCallerIdentity,
  chatOutputTypeOf as outputTypeOf,
  definedAttributes,
  toAttributeValue,
  genAIRequestAttributes,
  openAiContentParts as toParts,
  openAiRequestTarget,
  parseToolArguments as parseArguments,
  toolResultContent as contentText,
  type GenAIRequest,
  type GenAIRequestContent,
  type GenAIResponse,
  type StreamAccumulator,
  type TokenUsage,
} from '@llm-provenance/instrumentation-common';
import type { ClientInfo } from './client-info.js';

/** The fields of a `responses.create` request read here (https://platform.openai.com/docs/api-reference/responses/create). */
interface ResponsesRequestWire {
  model?: string;
  /** A conversation id, or `{ id }`. */
  conversation?: string | { id?: string } | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  text?: { format?: { type?: string } | null } | null;
  stream?: boolean | null;
  service_tier?: string | null;
  instructions?: string | null;
  /** A string, or a list of input items. */
  input?: string | Array<ResponseItemWire | null> | null;
  tools?: Array<ResponsesToolWire | null> | null;
}

/**
 * An input or output item: a message (`type` absent or 'message'), a function call or its output,
 * reasoning, or an item of another type, kept with whatever fields it has.
 */
interface ResponseItemWire {
  type?: string;
  role?: string;
  content?: unknown;
  call_id?: string | null;
  name?: string;
  arguments?: unknown;
  output?: unknown;
  summary?: Array<{ text?: string } | null>;
  [field: string]: unknown;
}

interface ResponsesToolWire {
  type?: string;
  name?: string;
  description?: string;
  parameters?: unknown;
}

/** The fields of a `response` object read here (https://platform.openai.com/docs/api-reference/responses/object). */
interface ResponseWire {
  id?: string;
  model?: string;
  status?: string;
  output?: Array<ResponseItemWire | null>;
  incomplete_details?: { reason?: string } | null;
  usage?: ResponsesUsageWire | null;
  service_tier?: string | null;
  /** Set by the SDK from the `x-request-id` header. */
  _request_id?: string | null;
}

interface ResponsesUsageWire {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number } | null;
  output_tokens_details?: { reasoning_tokens?: number } | null;
}

/** A streaming event (https://platform.openai.com/docs/api-reference/responses-streaming), as far as it is read here. */
interface ResponsesStreamEventWire {
  type?: string;
  response?: ResponseWire | null;
  delta?: unknown;
}

/** `openai.api.type` of the Responses API. */
export const API_TYPE_RESPONSES = 'responses';

/** Request of `responses.create` (https://platform.openai.com/docs/api-reference/responses/create). */
export function responsesRequest(value: unknown, client: ClientInfo): GenAIRequest {
  const body = value as ResponsesRequestWire;
  const conversation = typeof body?.conversation === 'string' ? body.conversation : body?.conversation?.id;
  const request = openAiRequestTarget(GenAiOperationName.CHAT, body, client);
  const attributes = genAIRequestAttributes({
    maxTokens: body.max_output_tokens,
    temperature: body.temperature,
    topP: body.top_p,
    outputType: outputTypeOf(body.text?.format?.type),
    stream: body.stream,
    conversationId: conversation,
  });
  attributes[ATTR_OPENAI_API_TYPE] = API_TYPE_RESPONSES;
  const serviceTier = toAttributeValue(body.service_tier);
  if (serviceTier !== undefined) attributes[ATTR_OPENAI_REQUEST_SERVICE_TIER] = serviceTier;
  addCallerIdentity(body, attributes);
  request.attributes = attributes;
  request.content = () => responsesRequestContent(body);
  return request;
}

/** `instructions` and system/developer input items -> system instructions; other items -> chat history. */
export function responsesRequestContent(value: unknown): GenAIRequestContent {
  const body = value as ResponsesRequestWire | null | undefined;
  const systemInstructions: SystemInstructions = typeof body?.instructions === 'string' ? [{ type: 'text', content: body.instructions }] : [];
  const inputMessages: InputMessages = [];
  const input = body?.input;
  if (typeof input === 'string') inputMessages.push({ role: 'user', parts: [{ type: 'text', content: input }] });
  for (const item of Array.isArray(input) ? input : []) {
    if (!item || typeof item !== 'object') continue;
    if ((item.type === undefined || item.type === 'message') && (item.role === 'system' || item.role === 'developer')) {
      systemInstructions.push(...toParts(item.content));
      continue;
    }
    const message = inputItemMessage(item);
    if (message) inputMessages.push(message);
  }
  return { inputMessages, systemInstructions, toolDefinitions: responsesTools(body?.tools) };
}

function inputItemMessage(item: ResponseItemWire): ChatMessage | undefined {
  switch (item.type) {
    case undefined:
    case 'message':
      return { role: String(item.role ?? 'user'), parts: toParts(item.content) };
    case 'function_call':
      return {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: item.call_id ?? null, name: String(item.name ?? ''), arguments: parseArguments(item.arguments) }],
      };
    case 'function_call_output':
      return { role: 'tool', parts: [{ type: 'tool_call_response', id: item.call_id ?? null, response: contentText(item.output) }] };
    case 'reasoning':
      return { role: 'assistant', parts: reasoningParts(item) };
    default:
      return { role: String(item.role ?? 'user'), parts: [{ ...item, type: String(item.type) }] };
  }
}

function reasoningParts(item: ResponseItemWire): MessagePart[] {
  const summary = Array.isArray(item?.summary) ? item.summary : [];
  return summary.map((s) => ({ type: 'reasoning', content: String(s?.text ?? '') }));
}

function responsesTools(tools: ResponsesRequestWire['tools']): ToolDefinitions {
  const out: ToolDefinitions = [];
  for (const tool of Array.isArray(tools) ? tools : []) {
    if (!tool || typeof tool !== 'object') continue;
    out.push({
      type: String(tool.type),
      name: String(tool.name ?? tool.type),
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      ...(tool.parameters !== undefined ? { parameters: tool.parameters } : {}),
    });
  }
  return out;
}

/**
 * The Responses API has no finish_reason; derived from status: completed -> stop (tool_call when the
 * output asks for a function call), incomplete -> its reason (max_output_tokens -> length), failed -> error.
 */
function finishReason(response: ResponseWire): string | undefined {
  const status = response?.status;
  if (status === 'completed') {
    const output = Array.isArray(response.output) ? response.output : [];
    return output.some((o) => o?.type === 'function_call') ? 'tool_call' : 'stop';
  }
  if (status === 'incomplete') {
    const reason = response.incomplete_details?.reason;
    return reason === 'max_output_tokens' ? 'length' : typeof reason === 'string' ? reason : 'length';
  }
  if (status === 'failed' || status === 'cancelled') return 'error';
  return undefined;
}

/**
 * `gen_ai.response.finish_reasons` of a response: the Responses API's own words for how it ended. It has
 * no finish_reason; its `status` (`completed`, `failed`, `cancelled`) says it, and for an `incomplete`
 * response `incomplete_details.reason` (`max_output_tokens`, `content_filter`). The output message's
 * `finish_reason` carries the conventions' value (`finishReason`).
 */
function providerFinishReasons(result: unknown): string[] {
  const response = result as { status?: unknown; incomplete_details?: { reason?: unknown } | null };
  const status = response.status;
  if (status === 'incomplete') {
    const reason = response.incomplete_details?.reason;
    return [typeof reason === 'string' && reason !== '' ? reason : status];
  }
  return status === 'completed' || status === 'failed' || status === 'cancelled' ? [status] : [];
}

function responsesUsage(usage: ResponsesUsageWire | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheReadInputTokens: usage.input_tokens_details?.cached_tokens,
    reasoningOutputTokens: usage.output_tokens_details?.reasoning_tokens,
  };
}

function outputMessage(response: ResponseWire, reason: string | undefined): OutputMessage {
  const parts: MessagePart[] = [];
  for (const item of Array.isArray(response?.output) ? response.output : []) {
    if (item?.type === 'message') parts.push(...toParts(item.content));
    else if (item?.type === 'function_call') {
      parts.push({ type: 'tool_call', id: item.call_id ?? null, name: String(item.name ?? ''), arguments: parseArguments(item.arguments) });
    } else if (item?.type === 'reasoning') parts.push(...reasoningParts(item));
    else if (item && typeof item === 'object') parts.push({ ...item, type: String(item.type) });
  }
  return { role: 'assistant', parts, finish_reason: reason ?? 'error' };
}

/** A `response` object (https://platform.openai.com/docs/api-reference/responses/object). */
export function responsesResponse(value: unknown): GenAIResponse | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const result = value as ResponseWire;
  const reason = finishReason(result);
  return {
    id: result.id,
    model: result.model,
    finishReasons: providerFinishReasons(result),
    usage: responsesUsage(result.usage),
    requestId: result._request_id,
    attributes: definedAttributes({ [ATTR_OPENAI_RESPONSE_SERVICE_TIER]: result.service_tier }),
    outputMessages: [outputMessage(result, reason)],
  };
}

/**
 * Accumulates Responses streaming events (https://platform.openai.com/docs/api-reference/responses-streaming):
 * the terminal `response.completed` / `response.incomplete` / `response.failed` event carries the whole
 * response (usage included); until then `response.created` gives id/model and text deltas are kept so a
 * stream stopped early still records what was said.
 */
export class ResponsesStreamAccumulator implements StreamAccumulator {
  private latest?: ResponseWire;
  private final?: ResponseWire;
  private text = '';

  constructor(private readonly captureContent: boolean) {}

  onChunk(value: unknown): void {
    if (!value || typeof value !== 'object') return;
    const event = value as ResponsesStreamEventWire;
    if (event.response && typeof event.response === 'object') {
      this.latest = event.response;
      if (event.type === 'response.completed' || event.type === 'response.incomplete' || event.type === 'response.failed') {
        this.final = event.response;
      }
    }
    if (this.captureContent && event.type === 'response.output_text.delta' && typeof event.delta === 'string') this.text += event.delta;
  }

  /** The terminal event (completed / incomplete / failed) was seen. */
  isComplete(): boolean {
    return this.final !== undefined;
  }

  result(): GenAIResponse | undefined {
    if (this.final) {
      const r = responsesResponse(this.final);
      return r && !this.captureContent ? { ...r, outputMessages: undefined } : r;
    }
    if (!this.latest) return undefined;
    return {
      id: this.latest.id,
      model: this.latest.model,
      attributes: definedAttributes({ [ATTR_OPENAI_RESPONSE_SERVICE_TIER]: this.latest.service_tier }),
      outputMessages: this.captureContent
        ? [{ role: 'assistant', parts: this.text ? [{ type: 'text', content: this.text }] : [], finish_reason: 'error' }]
        : undefined,
    };
  }
}
