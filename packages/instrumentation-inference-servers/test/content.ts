/** The conventions' message JSON, as the spans carry it. */
export const userText = (...texts: string[]): string => JSON.stringify([{ role: 'user', parts: texts.map((content) => ({ type: 'text', content })) }]);
export const userParts = (parts: unknown[]): string => JSON.stringify([{ role: 'user', parts }]);
export const assistantText = (text: string, finishReason = 'stop'): string =>
  JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finishReason }]);
export const assistantParts = (parts: unknown[], finishReason = 'stop'): string => JSON.stringify([{ role: 'assistant', parts, finish_reason: finishReason }]);

/** The attributes that are content: removed when capture is off. */
export const CONTENT_KEYS = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions'];

export function withoutContent(attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).filter(([k]) => !CONTENT_KEYS.includes(k)));
}
