import {
  CompletionStreamAccumulator,
  completionRequest,
  completionResponse,
  openAiEmbeddingsRequest,
  openAiEmbeddingsResponse,
} from '@llm-provenance/instrumentation-common';
import {
  ChatStreamAccumulator as AnthropicStreamAccumulator,
  chatRequest as anthropicRequest,
  chatResponse as anthropicResponse,
} from '@llm-provenance/instrumentation-anthropic';
import type { BodyFormat, MatchedCall } from '@llm-provenance/instrumentation-inference-servers';
import {
  ChatStreamAccumulator,
  chatRequest,
  chatResponse,
  clientInfo,
  ResponsesStreamAccumulator,
  responsesRequest,
  responsesResponse,
  type ClientInfo,
} from '@llm-provenance/instrumentation-openai';

/**
 * The OpenAI wire format as the AI SDK's OpenAI providers send it, mapped by the openai instrumentation's
 * own mappers, so a call through the AI SDK gets the attributes (and payloads, so the CIDs) a call through
 * the openai SDK gets for the same request. The provider follows the openai instrumentation's rule for
 * the base URL (a configured server, else the host: api.groq.com is `groq` ..., else `openai`).
 */
const client = (call: MatchedCall): ClientInfo => clientInfo({ baseURL: call.baseUrl });

/** `POST {baseURL}/chat/completions` (https://platform.openai.com/docs/api-reference/chat/create), plain and streamed. */
export const CHAT_COMPLETIONS: BodyFormat = {
  request: (body, call) => chatRequest(body ?? {}, client(call)),
  response: (body) => chatResponse(body),
  stream: ({ captureContent }) => new ChatStreamAccumulator(captureContent),
};

/** `POST {baseURL}/responses` (https://platform.openai.com/docs/api-reference/responses/create): `openai(model)`'s default API. */
export const RESPONSES: BodyFormat = {
  request: (body, call) => responsesRequest(body ?? {}, client(call)),
  response: (body) => responsesResponse(body),
  stream: ({ captureContent }) => new ResponsesStreamAccumulator(captureContent),
};

/** `POST {baseURL}/completions` (https://platform.openai.com/docs/api-reference/completions/create). */
export const COMPLETIONS: BodyFormat = {
  request: (body, call) => completionRequest(body ?? {}, client(call)),
  response: (body) => completionResponse(body),
  stream: ({ captureContent }) => new CompletionStreamAccumulator(captureContent),
};

/** `POST {baseURL}/embeddings` (https://platform.openai.com/docs/api-reference/embeddings/create). */
export const EMBEDDINGS: BodyFormat = {
  request: (body, call) => openAiEmbeddingsRequest(body ?? {}, client(call)),
  response: (body) => openAiEmbeddingsResponse(body),
};

/**
 * `POST {baseURL}/messages` (https://docs.anthropic.com/en/api/messages), as `@ai-sdk/anthropic` sends it:
 * mapped by the anthropic instrumentation's mappers (provider `anthropic`), plain and streamed; the
 * request id is Anthropic's `request-id` header.
 */
export const ANTHROPIC_MESSAGES: BodyFormat = {
  request: (body, call) => anthropicRequest(body ?? {}, { baseURL: call.baseUrl }),
  response: (body) => anthropicResponse(body),
  stream: ({ captureContent }) => new AnthropicStreamAccumulator(captureContent),
  requestIdHeader: 'request-id',
};
