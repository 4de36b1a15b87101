import {
  ChatCompletionStreamAccumulator,
  CompletionStreamAccumulator,
  chatCompletionRequest,
  chatCompletionResponse,
  completionRequest,
  completionResponse,
  openAiEmbeddingsRequest,
  openAiEmbeddingsResponse,
  type GenAIRequest,
  type GenAIResponse,
} from '@llm-provenance/instrumentation-common';
import { field, modelOf, numberOf, type BodyFormat, type MatchedCall } from './format.js';

/**
 * The OpenAI wire format as vLLM (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html),
 * OpenVINO Model Server `/v3` (https://docs.openvino.ai/nightly/model-server/ovms_docs_rest_api_chat.html),
 * TGI's Messages API and OPEA's OpenAI-style microservices serve it: the shared mappers of
 * instrumentation-common do the work.
 */

/** The request mapped by a shared OpenAI-format mapper, with the model from the path or configuration when the body names none. */
function withTarget(request: GenAIRequest, body: unknown, call: MatchedCall): GenAIRequest {
  request.requestModel = modelOf(body, call);
  request.baseUrl = call.baseUrl;
  request.operationName = call.operationName;
  return request;
}

const client = (call: MatchedCall) => ({ providerName: call.providerName, baseUrl: call.baseUrl });

/** `/v1/chat/completions`, plain and `stream: true` (SSE, with the usage chunk of `stream_options.include_usage`). */
export const OPENAI_CHAT: BodyFormat = {
  request: (body, call) => withTarget(chatCompletionRequest(body ?? {}, client(call)), body, call),
  response: (body) => chatCompletionResponse(body),
  stream: ({ captureContent }) => new ChatCompletionStreamAccumulator(captureContent),
};

/** `/v1/completions`, plain and streamed. */
export const OPENAI_COMPLETIONS: BodyFormat = {
  request: (body, call) => withTarget(completionRequest(body ?? {}, client(call)), body, call),
  response: (body) => completionResponse(body),
  stream: ({ captureContent }) => new CompletionStreamAccumulator(captureContent),
};

/** `/v1/embeddings`. */
export const OPENAI_EMBEDDINGS: BodyFormat = {
  request: (body, call) => withTarget(openAiEmbeddingsRequest(body ?? {}, client(call)), body, call),
  response: (body) => openAiEmbeddingsResponse(body),
};

/**
 * vLLM `/pooling` (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#pooling-api): an
 * embeddings-style request (`input`), a response whose `data[].data` holds the pooled vectors.
 */
export const VLLM_POOLING: BodyFormat = {
  request: (body, call) => OPENAI_EMBEDDINGS.request(body, call),
  response: (body): GenAIResponse | undefined => {
    if (!body || typeof body !== 'object') return undefined;
    const usage = field(body, 'usage');
    const id = field(body, 'id');
    const model = field(body, 'model');
    return {
      id: typeof id === 'string' ? id : undefined,
      model: typeof model === 'string' ? model : undefined,
      usage: usage ? { inputTokens: numberOf(field(usage, 'prompt_tokens')) } : undefined,
    };
  },
};
