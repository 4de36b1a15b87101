import type { Attributes, Context } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_PROVENANCE_CREDENTIAL_FINGERPRINT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_CONTENT_ATTRIBUTES,
  GenAiCostSource,
} from '@llm-provenance/semantic-conventions';
import { toAttributeValue } from './attributes.js';
import { addAttribution } from './attribution.js';
import type { GenAIPolicy, GenAIRequest, GenAIRequestContent, GenAIResponse } from './genai-span.js';
import { cachedPrice, computeCost } from './pricing.js';
import { fingerprintCredential } from './redaction.js';
import { urlInfo } from './url-info.js';

/**
 * The attribute maps of a GenAI span, each built in one object, key by key: this runs on every call,
 * so no intermediate maps, spreads or entry arrays. Later keys win over earlier ones, in this order:
 * operation, provider, model, server, the backend's attributes, attribution, credential fingerprint,
 * then content (under the capture policy).
 */

const CONTENT_KEYS = new Set<string>(GEN_AI_CONTENT_ATTRIBUTES);

/** The attributes a span starts with. `providerName` is the effective one (policy override applied). */
export function requestSpanAttributes(request: GenAIRequest, policy: GenAIPolicy, providerName: string, parent: Context): Attributes {
  const out: Attributes = {};
  out[ATTR_GEN_AI_OPERATION_NAME] = request.operationName;
  out[ATTR_GEN_AI_PROVIDER_NAME] = providerName;
  setDefined(out, ATTR_GEN_AI_REQUEST_MODEL, request.requestModel);
  const server = urlInfo(request.baseUrl);
  if (server?.address !== undefined) out[ATTR_SERVER_ADDRESS] = server.address;
  if (server?.port !== undefined) out[ATTR_SERVER_PORT] = server.port;
  copyWithoutContent(request.attributes, out);
  addAttribution(parent, out);
  const fingerprint = fingerprintCredential(request.credential);
  if (fingerprint !== undefined) out[ATTR_PROVENANCE_CREDENTIAL_FINGERPRINT] = fingerprint;
  if (policy.captureContent) {
    if (request.content) addRequestContent(typeof request.content === 'function' ? request.content() : request.content, out);
    if (request.contentAttributes) Object.assign(out, request.contentAttributes);
  }
  return out;
}

/** Content attributes for request content (JSON strings in the conventions' schema). */
export function requestContentAttributes(content: GenAIRequestContent | undefined): Attributes {
  return addRequestContent(content, {});
}

function addRequestContent(content: GenAIRequestContent | undefined, out: Attributes): Attributes {
  if (!content) return out;
  if (typeof content.inputMessagesJson === 'string') out[ATTR_GEN_AI_INPUT_MESSAGES] = content.inputMessagesJson;
  else if (content.inputMessages) out[ATTR_GEN_AI_INPUT_MESSAGES] = JSON.stringify(content.inputMessages);
  if (typeof content.systemInstructionsJson === 'string') out[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = content.systemInstructionsJson;
  else if (content.systemInstructions && content.systemInstructions.length > 0) {
    out[ATTR_GEN_AI_SYSTEM_INSTRUCTIONS] = JSON.stringify(content.systemInstructions);
  }
  if (typeof content.toolDefinitionsJson === 'string') out[ATTR_GEN_AI_TOOL_DEFINITIONS] = content.toolDefinitionsJson;
  else if (content.toolDefinitions && content.toolDefinitions.length > 0) {
    out[ATTR_GEN_AI_TOOL_DEFINITIONS] = JSON.stringify(content.toolDefinitions);
  }
  return out;
}

/**
 * What a response adds: ids, finish reasons, usage, cost (provider's, else the price table's), output.
 * `durationSeconds` (the call's time so far) prices a model priced per hour.
 */
export function responseSpanAttributes(
  response: GenAIResponse,
  policy: GenAIPolicy,
  providerName: string,
  requestModel: string | undefined,
  durationSeconds?: number,
): Attributes {
  const out: Attributes = {};
  copyWithoutContent(response.attributes, out);
  setDefined(out, ATTR_GEN_AI_RESPONSE_ID, response.id);
  setDefined(out, ATTR_GEN_AI_RESPONSE_MODEL, response.model);
  const finishReasons = response.finishReasons;
  if (finishReasons && finishReasons.length > 0) {
    // Mappings give a fresh array of strings: used as it is unless it holds anything else.
    if (isStringArray(finishReasons)) out[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = finishReasons;
    else setDefined(out, ATTR_GEN_AI_RESPONSE_FINISH_REASONS, finishReasons);
  }
  const usage = response.usage;
  if (usage) {
    setDefined(out, ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
    setDefined(out, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
    setDefined(out, ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadInputTokens);
    setDefined(out, ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheCreationInputTokens);
    setDefined(out, ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningOutputTokens);
  }
  const providerCost = response.providerCost;
  if (providerCost && typeof providerCost.amount === 'number') {
    out[ATTR_GEN_AI_USAGE_COST_AMOUNT] = providerCost.amount;
    out[ATTR_GEN_AI_USAGE_COST_CURRENCY] = providerCost.currency;
    out[ATTR_GEN_AI_USAGE_COST_SOURCE] = GenAiCostSource.PROVIDER;
  } else {
    // The response model (often a dated snapshot) first, then the requested one.
    const model = response.model ?? requestModel;
    let price = cachedPrice(policy.priceTable, providerName, model ?? undefined);
    if (!price && response.model && requestModel) price = cachedPrice(policy.priceTable, providerName, requestModel);
    const cost = computeCost(price, usage, durationSeconds);
    if (cost) {
      out[ATTR_GEN_AI_USAGE_COST_AMOUNT] = cost.amount;
      out[ATTR_GEN_AI_USAGE_COST_CURRENCY] = cost.currency;
      out[ATTR_GEN_AI_USAGE_COST_SOURCE] = cost.source;
    }
  }
  if (policy.captureContent) {
    if (typeof response.outputMessagesJson === 'string') out[ATTR_GEN_AI_OUTPUT_MESSAGES] = response.outputMessagesJson;
    else if (response.outputMessages) out[ATTR_GEN_AI_OUTPUT_MESSAGES] = JSON.stringify(response.outputMessages);
    if (response.contentAttributes) Object.assign(out, response.contentAttributes);
  }
  return out;
}

function isStringArray(values: readonly unknown[]): values is string[] {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return false;
  return true;
}

function setDefined(out: Attributes, key: string, value: unknown): void {
  const v = toAttributeValue(value);
  if (v !== undefined) out[key] = v;
}

/** Backend attribute maps must not smuggle content past the capture policy. */
function copyWithoutContent(attributes: Attributes | undefined, out: Attributes): void {
  if (!attributes) return;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined && value !== null && !CONTENT_KEYS.has(key)) out[key] = value;
  }
}
