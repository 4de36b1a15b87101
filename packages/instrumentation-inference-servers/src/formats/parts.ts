import type { InputMessages, MessagePart, OutputMessages } from '@llm-provenance/semantic-conventions';

/**
 * Inputs and outputs that are not chat messages (rerank queries and documents, scores, tensors, model
 * server inputs) are recorded in the conventions' message schema all the same, so they are captured under
 * the content policy and get CIDs in the store like messages do. Part types other than the conventions'
 * own (`text`) are ours: `data` (any JSON value as sent), `tensor` (a named tensor: datatype, shape,
 * data) and `score` (a document index and its relevance score).
 */

/** A text part, or a `data` part for anything else. */
export function valuePart(value: unknown): MessagePart {
  return typeof value === 'string' ? { type: 'text', content: value } : { type: 'data', content: value };
}

/** One user message with `parts`. */
export function userMessage(parts: MessagePart[]): InputMessages {
  return [{ role: 'user', parts }];
}

/** One assistant message with `parts`, ended by `finishReason`. */
export function assistantMessage(parts: MessagePart[], finishReason = 'stop'): OutputMessages {
  return [{ role: 'assistant', parts, finish_reason: finishReason }];
}
