import type { OutputMessage } from '@llm-provenance/semantic-conventions';
import type { GenAIResponse } from '../genai-span.js';
import { chatCompletionUsage } from './usage.js';

/**
 * A response object with `choices[]` (`chat.completion`, `text_completion`): id, model, each choice's
 * finish reason, usage, the SDK's `_request_id`, and one output message per choice (`outputMessage`).
 */
export function choicesResponse(result: any, outputMessage: (choice: any) => OutputMessage): GenAIResponse | undefined {
  if (!result || typeof result !== 'object') return undefined;
  const choices: any[] = Array.isArray(result.choices) ? result.choices : [];
  return {
    id: result.id,
    model: result.model,
    finishReasons: choices.map((c) => c?.finish_reason).filter((r): r is string => typeof r === 'string'),
    usage: chatCompletionUsage(result.usage),
    requestId: result._request_id,
    outputMessages: choices.map(outputMessage),
  };
}
