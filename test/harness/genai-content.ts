/**
 * Expected values of the GenAI content and cost attributes, built the way the instrumentations record
 * them (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/: JSON strings of messages with
 * typed parts), so tests spell out what a call carried rather than a JSON blob.
 */

/** The parts of a message holding one text part. */
export function textParts(content: string): Array<{ type: 'text'; content: string }> {
  return [{ type: 'text', content }];
}

/** `gen_ai.input.messages` of a call whose only message is the user's `content`. */
export function userMessages(content: string): string {
  return JSON.stringify([{ role: 'user', parts: textParts(content) }]);
}

/** `gen_ai.output.messages` of a call that produced one assistant message with `parts`. */
export function outputMessages(parts: unknown[], finishReason: string): string {
  return JSON.stringify([{ role: 'assistant', parts, finish_reason: finishReason }]);
}

/**
 * `gen_ai.usage.cost.amount` of a call priced from the built-in table (USD per 1M tokens), rounded to
 * 12 decimals as the instrumentations round it.
 */
export function priceTableCost(inputTokens: number, outputTokens: number, perMillion: { input: number; output: number }): number {
  return Math.round(((inputTokens * perMillion.input + outputTokens * perMillion.output) / 1e6) * 1e12) / 1e12;
}
