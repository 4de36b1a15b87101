import type { Attributes, AttributeValue } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_REQUEST_CHOICE_COUNT,
  ATTR_GEN_AI_REQUEST_ENCODING_FORMATS,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_OUTPUT_TYPE,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@llm-provenance/semantic-conventions';
import { urlInfo } from './url-info.js';

/**
 * Copies the entries of `values` whose value is a valid attribute value. Only `undefined`, `null`,
 * NaN and non-attribute types are dropped: 0, false and '' are values (a `temperature: 0` request is
 * not a request without a temperature).
 */
export function definedAttributes(values: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const key in values) {
    const v = toAttributeValue(values[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** `value` as an attribute value, or undefined when it cannot be one. Arrays must be homogeneous. */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- `AttributeValue` is `unknown` from @opentelemetry/api 1.10 on, but a union without `undefined` in the 1.9 line this package also supports
export function toAttributeValue(value: unknown): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== undefined && v !== null);
    if (items.length === 0) return [] as string[];
    const kind = typeof items[0];
    if ((kind === 'string' || kind === 'number' || kind === 'boolean') && items.every((v) => typeof v === kind)) {
      return items as AttributeValue;
    }
  }
  return undefined;
}

/** A stop parameter (string or array of strings) as the string[] the conventions want. */
export function toStringArray(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) {
    const items = value.filter((v): v is string => typeof v === 'string');
    return items.length === value.length ? items : undefined;
  }
  return undefined;
}

/** Request parameters common to the GenAI conventions. Every field is optional; 0 / false are kept. */
export interface GenAIRequestParams {
  maxTokens?: number | null;
  temperature?: number | null;
  topP?: number | null;
  topK?: number | null;
  frequencyPenalty?: number | null;
  presencePenalty?: number | null;
  /** String or string[]; recorded as string[]. */
  stopSequences?: string | string[] | null;
  seed?: number | null;
  /** Recorded only when it is not 1 (the conventions' rule for gen_ai.request.choice.count). */
  choiceCount?: number | null;
  encodingFormats?: string | string[] | null;
  outputType?: string | null;
  stream?: boolean | null;
  conversationId?: string | null;
}

/** `gen_ai.request.*` attributes from typed parameters; unknown/absent values are left out, 0 and false kept. */
export function genAIRequestAttributes(params: GenAIRequestParams): Attributes {
  // Written out attribute by attribute: this runs on every call.
  const out: Attributes = {};
  setNumber(out, ATTR_GEN_AI_REQUEST_MAX_TOKENS, params.maxTokens);
  setNumber(out, ATTR_GEN_AI_REQUEST_TEMPERATURE, params.temperature);
  setNumber(out, ATTR_GEN_AI_REQUEST_TOP_P, params.topP);
  setNumber(out, ATTR_GEN_AI_REQUEST_TOP_K, params.topK);
  setNumber(out, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, params.frequencyPenalty);
  setNumber(out, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, params.presencePenalty);
  if (params.stopSequences !== undefined && params.stopSequences !== null) setStrings(out, ATTR_GEN_AI_REQUEST_STOP_SEQUENCES, params.stopSequences);
  setNumber(out, ATTR_GEN_AI_REQUEST_SEED, params.seed);
  if (params.choiceCount !== 1) setNumber(out, ATTR_GEN_AI_REQUEST_CHOICE_COUNT, params.choiceCount);
  if (params.encodingFormats !== undefined && params.encodingFormats !== null) setStrings(out, ATTR_GEN_AI_REQUEST_ENCODING_FORMATS, params.encodingFormats);
  if (typeof params.outputType === 'string') out[ATTR_GEN_AI_OUTPUT_TYPE] = params.outputType;
  if (typeof params.stream === 'boolean') out[ATTR_GEN_AI_REQUEST_STREAM] = params.stream;
  if (typeof params.conversationId === 'string') out[ATTR_GEN_AI_CONVERSATION_ID] = params.conversationId;
  return out;
}

function setNumber(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
}

function setStrings(out: Attributes, key: string, value: unknown): void {
  const strings = toStringArray(value);
  if (strings !== undefined) out[key] = strings;
}

/**
 * `server.address` / `server.port` from a base URL (`http://127.0.0.1:8080/v1` -> 127.0.0.1, 8080;
 * `https://api.openai.com/v1` -> api.openai.com, 443). The port is always set (scheme default when the
 * URL has none). Only host and port are taken: user info, path and query never reach the span.
 */
export function serverAttributesFromUrl(baseUrl: string | URL | null | undefined): Attributes {
  const url = urlInfo(baseUrl);
  const out: Attributes = {};
  if (url?.address !== undefined) out[ATTR_SERVER_ADDRESS] = url.address;
  if (url?.port !== undefined) out[ATTR_SERVER_PORT] = url.port;
  return out;
}
