import { genAIRequestAttributes, type GenAIResponse, type TokenUsage } from '@llm-provenance/instrumentation-common';
import { ATTR_MODEL_SERVER_BATCH_SIZE } from '@llm-provenance/semantic-conventions';
import { baseRequest, field, numberOf, type BodyFormat } from './format.js';
import { assistantMessage, userMessage, valuePart } from './parts.js';

/**
 * The REST model-server contract (see this package's README, "REST model server"):
 * `POST /models/{id}/infer` with `{input, parameters}` -> `{model?, output, usage?}`, and
 * `POST /models/{id}/batch_infer` with `{inputs: [...], parameters}` -> `{model?, outputs: [...], usage?}`.
 * `parameters` carries the usual generation settings (`max_tokens` / `max_new_tokens`, `temperature`,
 * `top_p`, `top_k`, `seed`, `stop`); `usage` `{input_tokens | prompt_tokens, output_tokens | completion_tokens}`.
 */
export const MODEL_SERVER_INFER: BodyFormat = {
  request(body, call) {
    const request = baseRequest(undefined, call);
    request.attributes = parameterAttributes(field(body, 'parameters'));
    request.content = () => ({ inputMessages: userMessage([valuePart(field(body, 'input') ?? null)]) });
    return request;
  },
  response(body) {
    return modelServerResponse(body, [valuePart(field(body, 'output') ?? null)]);
  },
};

export const MODEL_SERVER_BATCH_INFER: BodyFormat = {
  request(body, call) {
    const request = baseRequest(undefined, call);
    const inputs = field(body, 'inputs');
    const attributes = parameterAttributes(field(body, 'parameters'));
    if (Array.isArray(inputs)) attributes[ATTR_MODEL_SERVER_BATCH_SIZE] = inputs.length;
    request.attributes = attributes;
    request.content = () => ({ inputMessages: userMessage((Array.isArray(inputs) ? inputs : []).map(valuePart)) });
    return request;
  },
  response(body) {
    const outputs = field(body, 'outputs');
    return modelServerResponse(body, (Array.isArray(outputs) ? outputs : []).map(valuePart));
  },
};

function parameterAttributes(p: unknown): Record<string, string | number | boolean | string[]> {
  return genAIRequestAttributes({
    maxTokens: numberOf(field(p, 'max_tokens')) ?? numberOf(field(p, 'max_new_tokens')),
    temperature: numberOf(field(p, 'temperature')),
    topP: numberOf(field(p, 'top_p')),
    topK: numberOf(field(p, 'top_k')),
    seed: numberOf(field(p, 'seed')),
    stopSequences: field(p, 'stop') as string | string[] | undefined,
  }) as Record<string, string | number | boolean | string[]>;
}

function modelServerResponse(body: unknown, parts: ReturnType<typeof valuePart>[]): GenAIResponse | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const model = field(body, 'model');
  const id = field(body, 'id');
  const usage = field(body, 'usage');
  let tokens: TokenUsage | undefined;
  if (usage && typeof usage === 'object') {
    tokens = {
      inputTokens: numberOf(field(usage, 'input_tokens')) ?? numberOf(field(usage, 'prompt_tokens')),
      outputTokens: numberOf(field(usage, 'output_tokens')) ?? numberOf(field(usage, 'completion_tokens')),
    };
  }
  return {
    id: typeof id === 'string' ? id : undefined,
    model: typeof model === 'string' ? model : undefined,
    usage: tokens,
    outputMessages: assistantMessage(parts),
  };
}
