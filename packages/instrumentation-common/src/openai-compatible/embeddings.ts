import { ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, GenAiOperationName } from '@llm-provenance/semantic-conventions';
import { definedAttributes, genAIRequestAttributes, toAttributeValue } from '../attributes.js';
import type { GenAIRequest, GenAIResponse } from '../genai-span.js';
import { addCallerIdentity } from './caller-identity.js';
import { requestTarget, userInputMessages, type OpenAiCompatibleClient } from './request-target.js';

/** The fields of an embeddings request read here (https://platform.openai.com/docs/api-reference/embeddings/create). */
interface EmbeddingsRequestWire {
  input?: unknown;
  encoding_format?: string | null;
  dimensions?: number | null;
}

/** The fields of an embeddings list read here (https://platform.openai.com/docs/api-reference/embeddings/object). */
interface EmbeddingsResponseWire {
  model?: string;
  /** Floats, or base64 text of float32 bytes when `encoding_format` is `base64`. */
  data?: Array<{ embedding?: number[] | string } | null>;
  usage?: { prompt_tokens?: number } | null;
  _request_id?: string | null;
}

/**
 * Request of `embeddings.create` (https://platform.openai.com/docs/api-reference/embeddings/create), for
 * every SDK that speaks the OpenAI wire format. `gen_ai.request.encoding_formats` only when the caller
 * chose one: the openai SDK itself asks the server for base64 and decodes it, which is transport, not
 * the caller's request. The texts are recorded (under the capture policy) as user messages, so an
 * embedding's input has provenance too; vectors never are.
 */
export function embeddingsRequest(value: unknown, client: OpenAiCompatibleClient): GenAIRequest {
  const body = value as EmbeddingsRequestWire | null | undefined;
  const request = requestTarget(GenAiOperationName.EMBEDDINGS, body, client);
  const attributes = genAIRequestAttributes({ encodingFormats: body?.encoding_format });
  const dimensions = toAttributeValue(body?.dimensions);
  if (dimensions !== undefined) attributes[ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = dimensions;
  addCallerIdentity(body, attributes);
  request.attributes = attributes;
  request.content = () => ({ inputMessages: userInputMessages(body?.input) });
  return request;
}

/** The embeddings list: model, usage, and the vector length (floats, or base64 float32 bytes / 4). */
export function embeddingsResponse(value: unknown): GenAIResponse | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const result = value as EmbeddingsResponseWire;
  const first = Array.isArray(result.data) ? result.data[0]?.embedding : undefined;
  const dimensions = Array.isArray(first) ? first.length : typeof first === 'string' ? Buffer.from(first, 'base64').length / 4 : undefined;
  return {
    model: result.model,
    usage: result.usage ? { inputTokens: result.usage.prompt_tokens } : undefined,
    requestId: result._request_id,
    attributes: definedAttributes({ [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: dimensions }),
  };
}
