import { completionResponse, definedAttributes, type GenAIResponse, type StreamAccumulator, type TokenUsage } from '@llm-provenance/instrumentation-common';
import { ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, type OutputMessage } from '@llm-provenance/semantic-conventions';
import { wireResponseOf } from './wire-response.js';

/**
 * TGI's `details` (https://huggingface.github.io/text-generation-inference/ Details / StreamDetails): the
 * generated token count always; the prompt's length as `input_length` in a stream's last event, and in a
 * whole generation as the `prefill` tokens, listed only when the request asked for `decoder_input_details`
 * (an empty list then means "not asked", not "no tokens").
 */
interface TgiDetails {
  finish_reason?: string;
  generated_tokens?: number;
  input_length?: number;
  prefill?: unknown[];
}

function tgiUsage(details: TgiDetails | undefined): TokenUsage | undefined {
  if (typeof details?.generated_tokens !== 'number') return undefined;
  const prefill = Array.isArray(details.prefill) && details.prefill.length > 0 ? details.prefill.length : undefined;
  return { inputTokens: typeof details.input_length === 'number' ? details.input_length : prefill, outputTokens: details.generated_tokens };
}

/**
 * The conventions' finish_reason for a TGI one: `eos_token` and `stop_sequence` are a natural stop,
 * `length` stays; anything else (an OpenAI-style `stop`) is passed through; none at all is `error`.
 */
export function finishReasonOf(reason: unknown): string {
  if (reason === 'eos_token' || reason === 'stop_sequence') return 'stop';
  return typeof reason === 'string' && reason !== '' ? reason : 'error';
}

function textOutput(text: string, reason: unknown): OutputMessage {
  return { role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finishReasonOf(reason) };
}

/**
 * `textGeneration`'s result. From TGI's native `/` (the SDK's 4.0.x), `{generated_text, details?}`, the
 * wire object itself: the text, and from `details` the finish reason and token counts. From an
 * endpoint's `/v1/completions` (later 4.x) the SDK returns only `{generated_text}`; the `text_completion`
 * it was made from (wire-response.ts) gives the id, model, finish reason and usage.
 */
export function textGenerationResponse(value: unknown): GenAIResponse | undefined {
  const wire = wireResponseOf(value);
  if (wire) return completionResponse(wire);
  const r = (Array.isArray(value) ? value[0] : value) as { generated_text?: unknown; details?: TgiDetails | null } | null | undefined;
  if (!r || typeof r !== 'object') return undefined;
  const details = r.details ?? undefined;
  return {
    finishReasons: typeof details?.finish_reason === 'string' ? [details.finish_reason] : undefined,
    usage: tgiUsage(details),
    outputMessages: typeof r.generated_text === 'string' ? [textOutput(r.generated_text, details?.finish_reason ?? 'stop')] : undefined,
  };
}

/**
 * `featureExtraction`'s vectors: one per input (`number[][]`), a single one (`number[]`), or one per
 * token (`number[][][]`); only their length is recorded. TEI reports no usage in the body.
 */
export function featureExtractionResponse(value: unknown): GenAIResponse | undefined {
  let vector: unknown = value;
  while (Array.isArray(vector) && Array.isArray(vector[0])) vector = vector[0];
  return { attributes: definedAttributes({ [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: Array.isArray(vector) ? vector.length : undefined }) };
}

/** `sentenceSimilarity`'s scores: nothing a span names (no model, no usage). */
export function sentenceSimilarityResponse(): GenAIResponse {
  return {};
}

/** One streamed event: TGI's native token event, or an OpenAI-style `text_completion` chunk (the Messages API's `/v1/completions`). */
interface TextStreamChunk {
  id?: string;
  model?: string;
  token?: { text?: string; special?: boolean } | null;
  generated_text?: string | null;
  details?: TgiDetails | null;
  choices?: Array<{ text?: string; finish_reason?: string | null } | null>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * Folds a `textGenerationStream`: TGI's events (`token.text` each, the last with `generated_text` and
 * `details`) or `text_completion` chunks (`choices[0].text`, `finish_reason`, the usage chunk), whichever
 * the server sends (https://huggingface.co/docs/text-generation-inference/conceptual/streaming).
 */
export class TextGenerationStreamAccumulator implements StreamAccumulator {
  private text = '';
  private finalText: string | undefined;
  private finishReason: string | undefined;
  private id: string | undefined;
  private model: string | undefined;
  private inputTokens: number | undefined;
  private outputTokens: number | undefined;
  private chunks = 0;
  /** TGI's last event (the one with `generated_text`) arrived. */
  private finalEvent = false;

  constructor(private readonly captureContent: boolean) {}

  onChunk(value: unknown): void {
    if (!value || typeof value !== 'object') return;
    const chunk = value as TextStreamChunk;
    this.chunks += 1;
    if (typeof chunk.id === 'string') this.id ??= chunk.id;
    if (typeof chunk.model === 'string') this.model ??= chunk.model;
    const details = chunk.details;
    if (details) {
      if (typeof details.finish_reason === 'string') this.finishReason = details.finish_reason;
      if (typeof details.generated_tokens === 'number') this.outputTokens = details.generated_tokens;
      if (typeof details.input_length === 'number') this.inputTokens = details.input_length;
    }
    if (chunk.usage) {
      if (typeof chunk.usage.prompt_tokens === 'number') this.inputTokens = chunk.usage.prompt_tokens;
      if (typeof chunk.usage.completion_tokens === 'number') this.outputTokens = chunk.usage.completion_tokens;
    }
    if (typeof chunk.generated_text === 'string') this.finalEvent = true;
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (typeof choice?.finish_reason === 'string') this.finishReason = choice.finish_reason;
    if (!this.captureContent) return;
    if (typeof chunk.generated_text === 'string') this.finalText = chunk.generated_text;
    if (chunk.token && chunk.token.special !== true && typeof chunk.token.text === 'string') this.text += chunk.token.text;
    if (typeof choice?.text === 'string') this.text += choice.text;
  }

  /** TGI's last event carries `generated_text`; a completion chunk its finish_reason. */
  isComplete(): boolean {
    return this.finishReason !== undefined || this.finalEvent;
  }

  result(): GenAIResponse {
    const usage =
      this.inputTokens !== undefined || this.outputTokens !== undefined ? { inputTokens: this.inputTokens, outputTokens: this.outputTokens } : undefined;
    const complete = this.isComplete();
    return {
      id: this.id,
      model: this.model,
      finishReasons: this.finishReason !== undefined ? [this.finishReason] : undefined,
      usage,
      // A stream that failed before its first event has no output at all.
      outputMessages:
        this.captureContent && this.chunks > 0 ? [textOutput(this.finalText ?? this.text, complete ? (this.finishReason ?? 'stop') : undefined)] : undefined,
    };
  }
}
