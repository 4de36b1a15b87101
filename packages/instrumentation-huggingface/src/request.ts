import { chatCompletionRequest, genAIRequestAttributes, openAiUserInputMessages, type GenAIRequest } from '@llm-provenance/instrumentation-common';
import { ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, GenAiOperationName } from '@llm-provenance/semantic-conventions';
import { hfTarget, type HfArgs, type ServerKind } from './target.js';

/** The span's request side from the target of the call, its operation, attributes and content. */
function hfRequest(args: HfArgs | undefined, operationName: string, kind: ServerKind): GenAIRequest {
  const target = hfTarget(args, kind);
  return {
    operationName,
    providerName: target.providerName,
    requestModel: target.requestModel,
    baseUrl: target.baseUrl,
    credential: target.credential,
  };
}

/**
 * `chatCompletion` / `chatCompletionStream`: the Messages API, an OpenAI chat completions body
 * (https://huggingface.co/docs/inference-providers/tasks/chat-completion), read by the shared mapper.
 */
export function chatRequest(args: HfArgs | undefined, stream: boolean): GenAIRequest {
  const target = hfTarget(args, 'generation');
  const request = chatCompletionRequest({ ...args, stream }, { providerName: target.providerName, baseUrl: target.baseUrl, apiKey: target.credential });
  request.requestModel = target.requestModel;
  return request;
}

/**
 * `textGeneration` / `textGenerationStream`: `{inputs, parameters}` in TGI's GenerateParameters
 * (https://huggingface.co/docs/inference-providers/tasks/text-generation): the prompt is one user message.
 */
export function textGenerationRequest(args: HfArgs | undefined, stream: boolean): GenAIRequest {
  const request = hfRequest(args, GenAiOperationName.TEXT_COMPLETION, 'generation');
  const p = args?.parameters ?? {};
  request.attributes = genAIRequestAttributes({
    maxTokens: numberOf(p.max_new_tokens),
    temperature: numberOf(p.temperature),
    topP: numberOf(p.top_p),
    topK: numberOf(p.top_k),
    frequencyPenalty: numberOf(p.frequency_penalty),
    stopSequences: stringsOf(p.stop ?? p.stop_sequences),
    seed: numberOf(p.seed),
    stream,
  });
  request.content = () => ({ inputMessages: openAiUserInputMessages(args?.inputs) });
  return request;
}

/**
 * `featureExtraction` (https://huggingface.co/docs/inference-providers/tasks/feature-extraction): each
 * input text is one user message, as for every embeddings call here; the vectors are not recorded.
 */
export function featureExtractionRequest(args: HfArgs | undefined): GenAIRequest {
  const request = hfRequest(args, GenAiOperationName.EMBEDDINGS, 'embeddings');
  const dimensions = numberOf(args?.dimensions);
  request.attributes = dimensions === undefined ? {} : { [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: dimensions };
  request.content = () => ({ inputMessages: openAiUserInputMessages(args?.inputs) });
  return request;
}

/**
 * `sentenceSimilarity` (https://huggingface.co/docs/inference-providers/tasks/sentence-similarity): an
 * embeddings call over `inputs.source_sentence` and `inputs.sentences`, one user message each (source first).
 */
export function sentenceSimilarityRequest(args: HfArgs | undefined): GenAIRequest {
  const request = hfRequest(args, GenAiOperationName.EMBEDDINGS, 'embeddings');
  const inputs = args?.inputs as { source_sentence?: unknown; sentences?: unknown } | null | undefined;
  request.content = () => ({
    inputMessages: openAiUserInputMessages(
      [inputs?.source_sentence, ...(Array.isArray(inputs?.sentences) ? (inputs.sentences as unknown[]) : [])].filter((s) => typeof s === 'string'),
    ),
  });
  return request;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function stringsOf(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) && value.every((s) => typeof s === 'string') ? value : undefined;
}
