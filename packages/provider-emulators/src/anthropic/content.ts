/**
 * Text extraction from Messages API request shapes (https://docs.anthropic.com/en/api/messages):
 * `system` is a string or a list of text blocks; a message's `content` is a string or a list of blocks
 * (`text`, `image`, `tool_use`, `tool_result` whose own `content` is a string or blocks, `thinking`, ...).
 */
export function blockTexts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (const block of content) {
    if (!block || typeof block !== 'object') continue;
    const b = block as { type?: string; text?: unknown; content?: unknown; thinking?: unknown };
    if (typeof b.text === 'string') out.push(b.text);
    else if (b.type === 'tool_result') out.push(...blockTexts(b.content));
    else if (typeof b.thinking === 'string') out.push(b.thinking);
  }
  return out;
}

interface MessageParam {
  role?: string;
  content?: unknown;
}

/** Every text of the request (system prompt and all messages), for the input token count. */
export function inputTexts(system: unknown, messages: MessageParam[]): string[] {
  return [...blockTexts(system), ...messages.flatMap((m) => blockTexts(m?.content))];
}

/** Text of the last user message (blocks joined by a space); '' when there is none. */
export function lastUserText(messages: MessageParam[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return blockTexts(message.content).join(' ');
  }
  return '';
}
