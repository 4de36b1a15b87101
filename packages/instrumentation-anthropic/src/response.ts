import { type GenAIResponse } from '@llm-provenance/instrumentation-common';
import { ATTR_GEN_AI_USAGE_INPUT_TOKENS } from '@llm-provenance/semantic-conventions';
import { outputMessageOf } from './content.js';
import { finishReasonOf, providerFinishReasons } from './finish-reasons.js';
import { tokenUsageOf, type AnthropicUsage } from './usage.js';

/** The parts of an Anthropic `message` (https://docs.anthropic.com/en/api/messages#response) we read. */
export interface AnthropicMessage {
  id?: string;
  model?: string;
  content?: unknown;
  stop_reason?: string | null;
  usage?: AnthropicUsage | null;
  /** Set by the SDK (>= 0.33) from the `request-id` response header; not enumerable. */
  _request_id?: string | null;
}

export function chatResponse(value: unknown): GenAIResponse | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const message = value as AnthropicMessage;
  const finishReason = finishReasonOf(message.stop_reason);
  return {
    id: message.id,
    model: message.model,
    finishReasons: providerFinishReasons(message.stop_reason),
    usage: tokenUsageOf(message.usage),
    requestId: message._request_id,
    outputMessages: message.content !== undefined ? [outputMessageOf(message.content, finishReason)] : undefined,
  };
}

/**
 * `{ input_tokens }` of a token count. Set as a plain attribute, not as usage: counting is free
 * (https://docs.anthropic.com/en/docs/build-with-claude/token-counting#pricing-and-rate-limits), so no
 * cost may be derived from it.
 */
export function countTokensResponse(value: unknown): GenAIResponse | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const result = value as { input_tokens?: number; _request_id?: string | null };
  return {
    requestId: result._request_id,
    attributes: typeof result.input_tokens === 'number' ? { [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: result.input_tokens } : undefined,
  };
}

/**
 * `error.type` for errors that carry no HTTP status: an `error` event in the middle of a stream
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events) carries
 * `{"type":"error","error":{"type":"overloaded_error",...}}`, and its Anthropic error type is the most
 * useful low-cardinality name. SDK 1.x throws an APIError whose `error` is that body; 0.x throws an
 * APIConnectionError whose `message` is the event's JSON text. Errors with a status keep the common
 * mapping (the status code).
 */
export function errorType(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { status?: unknown; error?: unknown; message?: unknown };
  if (typeof e.status === 'number') return undefined;
  return errorEventType(e.error) ?? errorEventType(e.message);
}

function errorEventType(body: unknown): string | undefined {
  if (typeof body === 'string') {
    // Only JSON objects are candidates (the API's own spacing varies: `{"type": "error", ...}`).
    if (!/^\s*\{/.test(body)) return undefined;
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const event = body as { type?: unknown; error?: { type?: unknown } } | undefined;
  const type = event?.type === 'error' ? event.error?.type : undefined;
  return typeof type === 'string' && type !== '' ? type : undefined;
}
