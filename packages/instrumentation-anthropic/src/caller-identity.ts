import type { Attributes } from '@opentelemetry/api';
import { ATTR_PROVENANCE_REQUEST_METADATA_USER_ID } from '@llm-provenance/semantic-conventions';

/**
 * Records `metadata.user_id`, the identifier through which an app tells Anthropic who its caller is
 * (https://docs.anthropic.com/en/api/messages, `metadata`), as sent. It describes what the provider
 * was told; `enduser.id` stays the app's own attribution.
 */
export function addMetadataUserId(metadata: { user_id?: unknown } | null | undefined, out: Attributes): Attributes {
  const userId = metadata?.user_id;
  if (typeof userId === 'string' && userId !== '') out[ATTR_PROVENANCE_REQUEST_METADATA_USER_ID] = userId;
  return out;
}
