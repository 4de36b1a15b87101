import type { OutputMessage } from '@llm-provenance/semantic-conventions';
import type { GenAIResponse } from '../genai-span.js';
import { chatCompletionUsage } from './usage.js';

/** The fields of a response with `choices[]` read here; the choices themselves go to `outputMessage`. */
interface ChoicesResponseWire {
  id?: string;
  model?: string;
  choices?: Array<{ finish_reason?: string | null } | null>;
  usage?: unknown;
  /** Set by the openai and groq-sdk SDKs from the `x-request-id` header. */
  _request_id?: string | null;
}

/**
 * A response object with `choices[]` (`chat.completion`, `text_completion`): id, model, each choice's
 * finish reason, usage, the SDK's `_request_id`, and one output message per choice (`outputMessage`).
 */
export function choicesResponse(value: unknown, outputMessage: (choice: unknown) => OutputMessage): GenAIResponse | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const result = value as ChoicesResponseWire;
  const choices = Array.isArray(result.choices) ? result.choices : [];
  return {
    id: result.id,
    model: result.model,
    finishReasons: choices.map((c) => c?.finish_reason).filter((r): r is string => typeof r === 'string'),
    usage: chatCompletionUsage(result.usage),
    requestId: result._request_id,
    outputMessages: choices.map(outputMessage),
  };
}
