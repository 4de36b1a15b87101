import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_PROVENANCE_REQUEST_PROMPT_CACHE_KEY,
  ATTR_PROVENANCE_REQUEST_SAFETY_IDENTIFIER,
  ATTR_PROVENANCE_REQUEST_USER,
} from '@llm-provenance/semantic-conventions';

/** The request fields through which an app tells an OpenAI-format provider who its caller is. */
export interface CallerIdentityFields {
  user?: unknown;
  safety_identifier?: unknown;
  prompt_cache_key?: unknown;
}

/**
 * Records the caller identifiers a request carries, as sent: `user`, `safety_identifier` and
 * `prompt_cache_key` (https://platform.openai.com/docs/api-reference/chat/create and
 * https://platform.openai.com/docs/api-reference/responses/create; Groq accepts `user`). Only
 * non-empty strings are recorded. They describe what the provider was told; `enduser.id` stays the
 * app's own attribution.
 */
export function addCallerIdentity(request: unknown, out: Attributes): Attributes {
  if (!request || typeof request !== 'object') return out;
  const body = request as CallerIdentityFields;
  setString(out, ATTR_PROVENANCE_REQUEST_USER, body.user);
  setString(out, ATTR_PROVENANCE_REQUEST_SAFETY_IDENTIFIER, body.safety_identifier);
  setString(out, ATTR_PROVENANCE_REQUEST_PROMPT_CACHE_KEY, body.prompt_cache_key);
  return out;
}

function setString(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'string' && value !== '') out[key] = value;
}
