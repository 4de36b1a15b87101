import type { OutputMessage } from '@llm-provenance/semantic-conventions';
import { GenAiOperationName } from '@llm-provenance/semantic-conventions';
import {
  addCallerIdentity,
  conventionFinishReason,
  genAIRequestAttributes,
  OpenAiChoiceStreamAccumulator,
  openAiChoicesResponse,
  openAiRequestTarget,
  openAiUserInputMessages,
  type GenAIRequest,
  type GenAIResponse,
} from '@llm-provenance/instrumentation-common';
import type { ClientInfo } from './client-info.js';

/** Request of the legacy `completions.create` (https://platform.openai.com/docs/api-reference/completions/create). */
export function completionRequest(body: any, client: ClientInfo): GenAIRequest {
  const request = openAiRequestTarget(GenAiOperationName.TEXT_COMPLETION, body, client);
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
  request.content = () => ({ inputMessages: openAiUserInputMessages(body?.prompt) });
  return request;
}

/** A `text_completion` object. */
export function completionResponse(result: any): GenAIResponse | undefined {
  return openAiChoicesResponse(result, (c): OutputMessage => ({
    role: 'assistant',
    parts: [{ type: 'text', content: String(c?.text ?? '') }],
    finish_reason: conventionFinishReason(c?.finish_reason),
  }));
}

/** Accumulates legacy completion chunks: text per choice index, finish reasons, the optional usage chunk. */
export class CompletionStreamAccumulator extends OpenAiChoiceStreamAccumulator<{ text: string; finishReason?: string }> {
  constructor(captureContent: boolean) {
    super(captureContent, () => ({ text: '' }));
  }

  protected onChoice(state: { text: string; finishReason?: string }, c: any): void {
    if (this.captureContent && typeof c.text === 'string') state.text += c.text;
    if (typeof c.finish_reason === 'string') state.finishReason = c.finish_reason;
  }

  protected outputMessage(s: { text: string; finishReason?: string }): OutputMessage {
    return { role: 'assistant', parts: [{ type: 'text', content: s.text }], finish_reason: conventionFinishReason(s.finishReason) };
  }
}
