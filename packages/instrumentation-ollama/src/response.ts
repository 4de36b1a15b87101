import type { GenAIResponse, StreamAccumulator } from '@llm-provenance/instrumentation-common';
import { definedAttributes } from '@llm-provenance/instrumentation-common';
import {
  ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
  ATTR_OLLAMA_RESPONSE_EVAL_DURATION,
  ATTR_OLLAMA_RESPONSE_LOAD_DURATION,
  ATTR_OLLAMA_RESPONSE_PROMPT_EVAL_DURATION,
  ATTR_OLLAMA_RESPONSE_TOTAL_DURATION,
} from '@llm-provenance/semantic-conventions';
import { outputMessageOf, type OllamaMessage } from './messages.js';

/**
 * The final object of /api/chat and /api/generate (streamed: the `done: true` line). Ollama sends no
 * response id. https://github.com/ollama/ollama/blob/main/docs/api.md#response
 */
export interface OllamaFinal {
  model?: string;
  message?: OllamaMessage;
  response?: string;
  thinking?: string;
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_duration?: number;
  eval_duration?: number;
}

function durationAttributes(r: OllamaFinal) {
  return definedAttributes({
    [ATTR_OLLAMA_RESPONSE_TOTAL_DURATION]: r.total_duration,
    [ATTR_OLLAMA_RESPONSE_LOAD_DURATION]: r.load_duration,
    [ATTR_OLLAMA_RESPONSE_PROMPT_EVAL_DURATION]: r.prompt_eval_duration,
    [ATTR_OLLAMA_RESPONSE_EVAL_DURATION]: r.eval_duration,
  });
}

/**
 * Usage: prompt_eval_count -> input, eval_count -> output (Ollama counts thinking tokens in eval_count,
 * which is what the conventions want for output_tokens; it does not report them separately).
 * Ollama leaves prompt_eval_count out when the whole prompt came from its KV cache; then input is unknown.
 */
function usageOf(r: OllamaFinal) {
  if (typeof r.prompt_eval_count !== 'number' && typeof r.eval_count !== 'number') return undefined;
  return { inputTokens: r.prompt_eval_count, outputTokens: r.eval_count };
}

/** A complete chat (`message`) or generate (`response`) result. */
function completionResponse(r: OllamaFinal, kind: 'chat' | 'generate'): GenAIResponse {
  const message: OllamaMessage =
    kind === 'chat' ? { role: 'assistant', ...(r.message ?? {}) } : { role: 'assistant', content: r.response ?? '', thinking: r.thinking };
  return {
    model: r.model,
    finishReasons: typeof r.done_reason === 'string' ? [r.done_reason] : undefined,
    usage: usageOf(r),
    attributes: durationAttributes(r),
    outputMessages: [outputMessageOf(message, r.done_reason)],
  };
}

/** /api/chat's result: the assistant `message`. */
export const chatResponse = (r: unknown): GenAIResponse => completionResponse(r as OllamaFinal, 'chat');
/** /api/generate's result: the `response` text (and `thinking`). */
export const generateResponse = (r: unknown): GenAIResponse => completionResponse(r as OllamaFinal, 'generate');

/** /api/embed: `embeddings` (one vector per input) and prompt_eval_count. */
export function embedResponse(value: unknown): GenAIResponse {
  const r = value as { model?: string; embeddings?: number[][]; prompt_eval_count?: number; total_duration?: number; load_duration?: number };
  return {
    model: r.model,
    usage: typeof r.prompt_eval_count === 'number' ? { inputTokens: r.prompt_eval_count } : undefined,
    attributes: {
      ...definedAttributes({ [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: r.embeddings?.[0]?.length }),
      ...durationAttributes(r),
    },
  };
}

/** /api/embeddings (legacy): one `embedding`, no model, no usage. */
export function embeddingsResponse(value: unknown): GenAIResponse {
  const r = value as { embedding?: number[] };
  return { attributes: definedAttributes({ [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: r.embedding?.length }) };
}

/**
 * Folds a streamed chat/generate response: text and thinking pieces are concatenated, tool calls
 * collected, and the final `done` line supplies model, done_reason, counts and durations.
 */
class CompletionStreamAccumulator implements StreamAccumulator {
  private text = '';
  private thinking = '';
  private readonly toolCalls: NonNullable<OllamaMessage['tool_calls']> = [];
  private final: OllamaFinal | undefined;
  private model: string | undefined;

  /** @param captureContent whether output text is wanted at all (the capture policy) */
  constructor(
    private readonly kind: 'chat' | 'generate',
    private readonly captureContent: boolean,
  ) {}

  onChunk(value: unknown): void {
    if (!value || typeof value !== 'object') return;
    const chunk = value as OllamaFinal;
    if (typeof chunk.model === 'string') this.model = chunk.model;
    if (chunk.done) this.final = chunk;
    if (!this.captureContent) return;
    const piece = this.kind === 'chat' ? chunk.message?.content : chunk.response;
    if (typeof piece === 'string') this.text += piece;
    const thought = this.kind === 'chat' ? chunk.message?.thinking : chunk.thinking;
    if (typeof thought === 'string') this.thinking += thought;
    if (this.kind === 'chat' && Array.isArray(chunk.message?.tool_calls)) this.toolCalls.push(...chunk.message.tool_calls);
  }

  /** Whether the `done` line arrived (an abort after it does not make the call aborted). */
  isComplete(): boolean {
    return this.final !== undefined;
  }

  /** What is known so far (a stream that ended early still reports its model and partial output). */
  result(): GenAIResponse {
    const final: OllamaFinal = { ...(this.final ?? {}), model: this.final?.model ?? this.model };
    const message: OllamaMessage = {
      role: 'assistant',
      content: this.text,
      ...(this.thinking ? { thinking: this.thinking } : {}),
      ...(this.toolCalls.length ? { tool_calls: this.toolCalls } : {}),
    };
    return completionResponse(
      this.kind === 'chat' ? { ...final, message } : { ...final, response: this.text, thinking: this.thinking || undefined },
      this.kind,
    );
  }
}

/** A streamed chat: `message` pieces. */
export class ChatStreamAccumulator extends CompletionStreamAccumulator {
  constructor(captureContent: boolean) {
    super('chat', captureContent);
  }
}

/** A streamed generate: `response` pieces. */
export class GenerateStreamAccumulator extends CompletionStreamAccumulator {
  constructor(captureContent: boolean) {
    super('generate', captureContent);
  }
}
