import type { OutputMessage } from '@llm-provenance/semantic-conventions';
import { GenAiOperationName } from '@llm-provenance/semantic-conventions';
import { genAIRequestAttributes } from '../attributes.js';
import type { GenAIRequest, GenAIResponse } from '../genai-span.js';
import { addCallerIdentity } from './caller-identity.js';
import { choicesResponse } from './choices-response.js';
import { conventionFinishReason } from './content-parts.js';
import { requestTarget, userInputMessages, type OpenAiCompatibleClient } from './request-target.js';
import { ChoiceStreamAccumulator } from './stream-choices.js';

/** The fields of a legacy completions request read here (https://platform.openai.com/docs/api-reference/completions/create). */
interface CompletionRequestWire {
  model?: string;
  /** A string, string[], token array or token arrays. */
  prompt?: unknown;
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  n?: number | null;
  stream?: boolean | null;
}

/** A `choices[]` entry of a `text_completion` object or chunk. */
interface CompletionChoiceWire {
  index?: number;
  text?: string;
  finish_reason?: string | null;
}

/** Request of the legacy `completions.create` (https://platform.openai.com/docs/api-reference/completions/create). */
export function completionRequest(value: unknown, client: OpenAiCompatibleClient): GenAIRequest {
  const body = (value ?? {}) as CompletionRequestWire;
  const request = requestTarget(GenAiOperationName.TEXT_COMPLETION, body, client);
  request.attributes = genAIRequestAttributes({
    maxTokens: body.max_tokens,
    temperature: body.temperature,
    topP: body.top_p,
    frequencyPenalty: body.frequency_penalty,
    presencePenalty: body.presence_penalty,
    stopSequences: body.stop,
    seed: body.seed,
    choiceCount: body.n,
    stream: body.stream,
  });
  addCallerIdentity(body, request.attributes);
  // Each prompt (string, string[], token array, token arrays) as one user message.
  request.content = () => ({ inputMessages: userInputMessages(body?.prompt) });
  return request;
}

/** A `text_completion` object. */
export function completionResponse(result: unknown): GenAIResponse | undefined {
  return choicesResponse(result, (choice): OutputMessage => {
    const c = choice as CompletionChoiceWire | null | undefined;
    return {
      role: 'assistant',
      parts: [{ type: 'text', content: String(c?.text ?? '') }],
      finish_reason: conventionFinishReason(c?.finish_reason),
    };
  });
}

/** Accumulates legacy completion chunks: text per choice index, finish reasons, the optional usage chunk. */
export class CompletionStreamAccumulator extends ChoiceStreamAccumulator<{ text: string; finishReason?: string }, CompletionChoiceWire> {
  constructor(captureContent: boolean) {
    super(captureContent, () => ({ text: '' }));
  }

  protected onChoice(state: { text: string; finishReason?: string }, c: CompletionChoiceWire): void {
    if (this.captureContent && typeof c.text === 'string') state.text += c.text;
    if (typeof c.finish_reason === 'string') state.finishReason = c.finish_reason;
  }

  protected outputMessage(s: { text: string; finishReason?: string }): OutputMessage {
    return { role: 'assistant', parts: [{ type: 'text', content: s.text }], finish_reason: conventionFinishReason(s.finishReason) };
  }
}
