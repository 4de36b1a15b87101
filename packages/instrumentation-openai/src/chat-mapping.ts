import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_OPENAI_API_TYPE,
  ATTR_OPENAI_REQUEST_SERVICE_TIER,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT,
} from '@llm-provenance/semantic-conventions';
import {
  ChatCompletionStreamAccumulator,
  chatCompletionRequest,
  chatCompletionResponse,
  toAttributeValue,
  type GenAIRequest,
  type GenAIResponse,
  type OpenAiChoiceChunkWire,
} from '@llm-provenance/instrumentation-common';
import type { ClientInfo } from './client-info.js';

/** The openai-only fields of a chat request, `chat.completion` or chunk read here. */
interface ServiceTierWire {
  service_tier?: string | null;
  system_fingerprint?: string | null;
}

/** `openai.api.type` of Chat Completions (gen_ai registry, openai namespace). */
export const API_TYPE_CHAT_COMPLETIONS = 'chat_completions';

/**
 * `chat.completions.create` (https://platform.openai.com/docs/api-reference/chat/create): the shared
 * Chat Completions mapping (instrumentation-common, also used by groq) plus the `openai.*` attributes.
 */
export function chatRequest(body: unknown, client: ClientInfo): GenAIRequest {
  const request = chatCompletionRequest(body, client);
  const attributes = (request.attributes ??= {});
  attributes[ATTR_OPENAI_API_TYPE] = API_TYPE_CHAT_COMPLETIONS;
  const serviceTier = toAttributeValue((body as ServiceTierWire | null | undefined)?.service_tier);
  if (serviceTier !== undefined) attributes[ATTR_OPENAI_REQUEST_SERVICE_TIER] = serviceTier;
  return request;
}

/** Writes `openai.response.service_tier` / `system_fingerprint` of a completion or chunk into `out` when they are attribute values. */
function addOpenAIResponseAttributes(serviceTier: unknown, fingerprint: unknown, out: Attributes): Attributes {
  const tier = toAttributeValue(serviceTier);
  if (tier !== undefined) out[ATTR_OPENAI_RESPONSE_SERVICE_TIER] = tier;
  const systemFingerprint = toAttributeValue(fingerprint);
  if (systemFingerprint !== undefined) out[ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT] = systemFingerprint;
  return out;
}

/** A `chat.completion` object (https://platform.openai.com/docs/api-reference/chat/object). */
export function chatResponse(value: unknown): GenAIResponse | undefined {
  const response = chatCompletionResponse(value);
  const result = value as ServiceTierWire;
  // Most responses carry neither (the service tier only when one was asked for): no object for them.
  if (response && (result.service_tier != null || result.system_fingerprint != null)) {
    response.attributes = addOpenAIResponseAttributes(result.service_tier, result.system_fingerprint, response.attributes ?? {});
  }
  return response;
}

/** Chat chunks, plus the `service_tier` / `system_fingerprint` the chunks carry. */
export class ChatStreamAccumulator extends ChatCompletionStreamAccumulator {
  private serviceTier?: string;
  private fingerprint?: string;

  protected override onChunkExtras(chunk: OpenAiChoiceChunkWire & ServiceTierWire): void {
    if (typeof chunk?.service_tier === 'string') this.serviceTier = chunk.service_tier;
    if (typeof chunk?.system_fingerprint === 'string') this.fingerprint = chunk.system_fingerprint;
  }

  protected override responseAttributes(): Attributes | undefined {
    if (this.serviceTier === undefined && this.fingerprint === undefined) return undefined;
    return addOpenAIResponseAttributes(this.serviceTier, this.fingerprint, {});
  }
}
