import { genAIRequestAttributes, type GenAIResponse } from '@llm-provenance/instrumentation-common';
import type { MessagePart } from '@llm-provenance/semantic-conventions';
import { baseRequest, field, numberOf, type BodyFormat } from './format.js';
import { assistantMessage, userMessage, valuePart } from './parts.js';

/**
 * Rerank: the Jina/Cohere-style API that vLLM serves at `/rerank`, `/v1/rerank`, `/v2/rerank`
 * (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#re-rank-api) and OpenVINO Model
 * Server at `/v3/rerank` (https://docs.openvino.ai/nightly/model-server/ovms_docs_rest_api_rerank.html):
 * `{model, query, documents, top_n}` -> `{id, model, usage, results: [{index, relevance_score, document}]}`.
 * The query and documents are the input (one user message: the query's text part, then each document's);
 * the scores are the output (`score` parts).
 */
export const RERANK: BodyFormat = {
  request(body, call) {
    const request = baseRequest(body, call);
    request.attributes = genAIRequestAttributes({ topK: numberOf(field(body, 'top_n')) });
    request.content = () => ({ inputMessages: userMessage([valuePart(field(body, 'query')), ...documents(field(body, 'documents'))]) });
    return request;
  },
  response(body) {
    const results = field(body, 'results');
    return scored(body, Array.isArray(results) ? results.map((r) => ({ index: field(r, 'index'), score: field(r, 'relevance_score') })) : undefined);
  },
};

/**
 * vLLM `/score`, `/v1/score` (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html#score-api):
 * `{model, text_1, text_2}` (a string or a list each) -> `{id, model, data: [{index, score}], usage}`.
 */
export const VLLM_SCORE: BodyFormat = {
  request(body, call) {
    const request = baseRequest(body, call);
    request.content = () => ({ inputMessages: userMessage([...documents(field(body, 'text_1')), ...documents(field(body, 'text_2'))]) });
    return request;
  },
  response(body) {
    const data = field(body, 'data');
    return scored(body, Array.isArray(data) ? data.map((d) => ({ index: field(d, 'index'), score: field(d, 'score') })) : undefined);
  },
};

function documents(value: unknown): MessagePart[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.map((d) => {
    const text = field(d, 'text');
    return valuePart(typeof text === 'string' ? text : d);
  });
}

function scored(body: unknown, scores: Array<{ index: unknown; score: unknown }> | undefined): GenAIResponse | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const id = field(body, 'id');
  const model = field(body, 'model');
  const usage = field(body, 'usage');
  const inputTokens = numberOf(field(usage, 'prompt_tokens')) ?? numberOf(field(usage, 'total_tokens'));
  return {
    id: typeof id === 'string' ? id : undefined,
    model: typeof model === 'string' ? model : undefined,
    usage: inputTokens !== undefined ? { inputTokens } : undefined,
    outputMessages: scores ? assistantMessage(scores.map((s) => ({ type: 'score', index: s.index, score: s.score }))) : undefined,
  };
}
