import { genAIRequestAttributes, toStringArray, type GenAIResponse, type StreamAccumulator, type TokenUsage } from '@llm-provenance/instrumentation-common';
import { ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, type MessagePart } from '@llm-provenance/semantic-conventions';
import { StreamErrorEvent } from '../errors.js';
import { baseRequest, field, numberOf, type BodyFormat, type InBandErrorSource } from './format.js';
import { assistantMessage, userMessage, valuePart } from './parts.js';

/**
 * Hugging Face Text Generation Inference (https://huggingface.github.io/text-generation-inference/):
 * `POST /generate` with `{inputs, parameters}` -> `{generated_text, details?}`; `POST /generate_stream`
 * (and `POST /` with `stream: true`) -> `text/event-stream` of `{token, generated_text, details}` events,
 * the last one carrying `generated_text` and `details`; `POST /` with `stream: false` -> an array of one
 * such answer. `details.finish_reason` is `length`, `eos_token` or `stop_sequence`; the generated token
 * count is `details.generated_tokens`, the prompt's comes from `details.prefill` when the request asked
 * for `decoder_input_details`. TGI's Messages API (`/v1/chat/completions`) is the OpenAI format.
 */

/**
 * TGI's finish reason as the conventions' (`eos_token` and `stop_sequence` are a normal stop). An answer
 * without `details` (not asked for) still ended normally: `stop`.
 */
function tgiFinishReason(reason: unknown): string {
  if (reason === 'length') return 'length';
  return typeof reason === 'string' && reason !== '' && reason !== 'eos_token' && reason !== 'stop_sequence' ? reason : 'stop';
}

/**
 * Token counts of `details`: the generated ones, and the prompt's from `prefill` (a whole answer with
 * `decoder_input_details`) or `input_length` (a stream's last event).
 */
function tgiUsage(details: unknown): TokenUsage | undefined {
  if (!details || typeof details !== 'object') return undefined;
  const prefill = field(details, 'prefill');
  const outputTokens = numberOf(field(details, 'generated_tokens'));
  const inputTokens = Array.isArray(prefill) && prefill.length > 0 ? prefill.length : numberOf(field(details, 'input_length'));
  return outputTokens === undefined && inputTokens === undefined ? undefined : { inputTokens, outputTokens };
}

function tgiAnswer(answer: unknown, captureContent = true): GenAIResponse {
  const details = field(answer, 'details');
  const reason = field(details, 'finish_reason');
  const text = field(answer, 'generated_text');
  return {
    finishReasons: typeof reason === 'string' ? [reason] : undefined,
    usage: tgiUsage(details),
    outputMessages: captureContent && typeof text === 'string' ? assistantMessage([{ type: 'text', content: text }], tgiFinishReason(reason)) : undefined,
  };
}

export const TGI_GENERATE: BodyFormat = {
  request(body, call) {
    const request = baseRequest(body, call);
    const p = field(body, 'parameters');
    request.attributes = genAIRequestAttributes({
      maxTokens: numberOf(field(p, 'max_new_tokens')),
      temperature: numberOf(field(p, 'temperature')),
      topP: numberOf(field(p, 'top_p')),
      topK: numberOf(field(p, 'top_k')),
      seed: numberOf(field(p, 'seed')),
      stopSequences: toStringArray(field(p, 'stop')),
      choiceCount: numberOf(field(p, 'best_of')),
      stream: call.params.stream !== undefined || field(body, 'stream') === true ? true : undefined,
    });
    request.content = () => ({ inputMessages: userMessage([valuePart(field(body, 'inputs') ?? null)]) });
    return request;
  },
  response(body) {
    // `POST /` answers a list of one generation.
    return tgiAnswer(Array.isArray(body) ? body[0] : body);
  },
  stream: ({ captureContent }) => new TgiStreamAccumulator(captureContent),
  // TGI reports the counts in response headers too, also when `details` was not asked for.
  usageHeaders: { input: 'x-prompt-tokens', output: 'x-generated-tokens' },
};

/**
 * `generate_stream` events: token texts, then the final `generated_text` and `details`. A failure after
 * the stream started (validation, overload, generation) arrives as an event of its own,
 * `{"error", "error_type"}`, in a response whose status is 200: it fails the span.
 */
class TgiStreamAccumulator implements StreamAccumulator, InBandErrorSource {
  private text = '';
  private final?: unknown;
  private failure?: StreamErrorEvent;

  constructor(private readonly captureContent: boolean) {}

  onChunk(event: unknown): void {
    const error = field(event, 'error');
    if (typeof error === 'string') {
      const type = field(event, 'error_type');
      this.failure ??= new StreamErrorEvent(error, typeof type === 'string' && type !== '' ? type : undefined);
      return;
    }
    if (field(event, 'details') || typeof field(event, 'generated_text') === 'string') this.final = event;
    const token = field(event, 'token');
    if (this.captureContent && field(token, 'special') !== true && typeof field(token, 'text') === 'string') this.text += field(token, 'text') as string;
  }

  isComplete(): boolean {
    return this.final !== undefined;
  }

  streamError(): StreamErrorEvent | undefined {
    return this.failure;
  }

  result(): GenAIResponse {
    if (this.final !== undefined) return tgiAnswer(this.final, this.captureContent);
    return { outputMessages: this.captureContent ? assistantMessage([{ type: 'text', content: this.text }], 'error') : undefined };
  }
}

/**
 * Hugging Face Text Embeddings Inference (https://huggingface.github.io/text-embeddings-inference/):
 * `POST /embed`, `/embed_all`, `/embed_sparse` with `{inputs: string | string[]}` -> vectors (no usage in
 * the body); `POST /rerank` with `{query, texts}` -> `[{index, score, text?}]`; `POST /predict` with
 * `{inputs}` -> `[{score, label}]` (or a list of those per input). `/v1/embeddings` is the OpenAI format.
 */
function inputsParts(inputs: unknown): MessagePart[] {
  return (Array.isArray(inputs) ? inputs : [inputs]).map((x) => valuePart(x ?? null));
}

/** TEI reports the tokens it processed in a response header (its bodies carry no usage). */
const TEI_USAGE_HEADERS = { input: 'x-compute-tokens' };

/** The vector length of `/embed` (one vector per input) or `/embed_all` (one per token of each input); `/embed_sparse` has none. */
function vectorLength(body: unknown): number | undefined {
  const first: unknown = Array.isArray(body) ? body[0] : undefined;
  if (!Array.isArray(first)) return undefined;
  if (typeof first[0] === 'number') return first.length;
  const token: unknown = first[0];
  return Array.isArray(token) && typeof token[0] === 'number' ? token.length : undefined;
}

export const TEI_EMBED: BodyFormat = {
  request(body, call) {
    const request = baseRequest(body, call);
    // `dimensions` truncates the vectors of a Matryoshka model.
    const dimensions = numberOf(field(body, 'dimensions'));
    if (dimensions !== undefined) request.attributes = { [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: dimensions };
    // One user message per input, as the OpenAI-style embeddings route records a batch.
    request.content = () => ({ inputMessages: inputsParts(field(body, 'inputs')).map((part) => ({ role: 'user', parts: [part] })) });
    return request;
  },
  response(body) {
    const dimensions = vectorLength(body);
    return dimensions === undefined ? {} : { attributes: { [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: dimensions } };
  },
  usageHeaders: TEI_USAGE_HEADERS,
};

export const TEI_RERANK: BodyFormat = {
  request(body, call) {
    const request = baseRequest(body, call);
    const texts = field(body, 'texts');
    request.content = () => ({ inputMessages: userMessage([valuePart(field(body, 'query') ?? null), ...inputsParts(Array.isArray(texts) ? texts : [])]) });
    return request;
  },
  response(body) {
    if (!Array.isArray(body)) return undefined;
    return { outputMessages: assistantMessage(body.map((r) => ({ type: 'score', index: field(r, 'index'), score: field(r, 'score') }))) };
  },
  usageHeaders: TEI_USAGE_HEADERS,
};

export const TEI_PREDICT: BodyFormat = {
  request(body, call) {
    const request = baseRequest(body, call);
    request.content = () => ({ inputMessages: userMessage([{ type: 'data', content: field(body, 'inputs') ?? null }]) });
    return request;
  },
  response: (body) => (body === undefined ? undefined : { outputMessages: assistantMessage([{ type: 'data', content: body }]) }),
  usageHeaders: TEI_USAGE_HEADERS,
};
