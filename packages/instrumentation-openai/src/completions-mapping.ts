import type { InputMessages, OutputMessage } from '@llm-provenance/semantic-conventions';
import { GenAiOperationName } from '@llm-provenance/semantic-conventions';
import {
  chatCompletionUsage as chatUsage,
  conventionFinishReason,
  genAIRequestAttributes,
  type GenAIRequest,
  type GenAIResponse,
  type StreamAccumulator,
  type TokenUsage,
} from '@llm-provenance/instrumentation-common';
import type { ClientInfo } from './client-info.js';

/** Request of the legacy `completions.create` (https://platform.openai.com/docs/api-reference/completions/create). */
export function completionRequest(body: any, client: ClientInfo): GenAIRequest {
  return {
    operationName: GenAiOperationName.TEXT_COMPLETION,
    providerName: client.providerName,
    requestModel: typeof body?.model === 'string' ? body.model : undefined,
    baseUrl: client.baseUrl,
    credential: client.apiKey,
    attributes: genAIRequestAttributes({
      maxTokens: body.max_tokens,
      temperature: body.temperature,
      topP: body.top_p,
      frequencyPenalty: body.frequency_penalty,
      presencePenalty: body.presence_penalty,
      stopSequences: body.stop,
      seed: body.seed,
      choiceCount: body.n,
      stream: body.stream,
    }),
    content: () => ({ inputMessages: promptMessages(body?.prompt) }),
  };
}

/** Each prompt (string, string[], token array, token arrays) as one user message. */
function promptMessages(prompt: unknown): InputMessages {
  const prompts: unknown[] = typeof prompt === 'string' ? [prompt] : Array.isArray(prompt) && prompt.every((p) => typeof p === 'number') ? [prompt] : Array.isArray(prompt) ? prompt : [];
  return prompts.map((p) => ({
    role: 'user',
    parts: [typeof p === 'string' ? { type: 'text', content: p } : { type: 'tokens', tokens: p }],
  }));
}

/** A `text_completion` object. */
export function completionResponse(result: any): GenAIResponse | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const choices: any[] = Array.isArray(result.choices) ? result.choices : [];
  return {
    id: result.id,
    model: result.model,
    finishReasons: choices.map((c) => c?.finish_reason).filter((r): r is string => typeof r === 'string'),
    usage: chatUsage(result.usage),
    requestId: result._request_id,
    outputMessages: choices.map(
      (c): OutputMessage => ({ role: 'assistant', parts: [{ type: 'text', content: String(c?.text ?? '') }], finish_reason: conventionFinishReason(c?.finish_reason) }),
    ),
  };
}

/** Accumulates legacy completion chunks: text per choice index, finish reasons, the optional usage chunk. */
export class CompletionStreamAccumulator implements StreamAccumulator<any> {
  private id?: string;
  private model?: string;
  private usage?: TokenUsage;
  private readonly choices = new Map<number, { text: string; finishReason?: string }>();

  constructor(private readonly captureContent: boolean) {}

  onChunk(chunk: any): void {
    if (!chunk || typeof chunk !== 'object') return;
    this.id ??= chunk.id;
    this.model ??= chunk.model;
    if (chunk.usage) this.usage = chatUsage(chunk.usage);
    for (const c of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const index = typeof c?.index === 'number' ? c.index : 0;
      const state = this.choices.get(index) ?? { text: '' };
      if (this.captureContent && typeof c.text === 'string') state.text += c.text;
      if (typeof c.finish_reason === 'string') state.finishReason = c.finish_reason;
      this.choices.set(index, state);
    }
  }

  /** Every choice seen has its finish_reason (usage, if requested, follows right after). */
  isComplete(): boolean {
    return this.choices.size > 0 && [...this.choices.values()].every((c) => c.finishReason !== undefined);
  }

  result(): GenAIResponse {
    const ordered = [...this.choices.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
    return {
      id: this.id,
      model: this.model,
      finishReasons: ordered.map((s) => s.finishReason).filter((r): r is string => typeof r === 'string'),
      usage: this.usage,
      outputMessages: this.captureContent
        ? ordered.map((s): OutputMessage => ({ role: 'assistant', parts: [{ type: 'text', content: s.text }], finish_reason: conventionFinishReason(s.finishReason) }))
        : undefined,
    };
  }
}
