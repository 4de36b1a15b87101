/**
 * Text extraction from OpenAI request shapes. Chat messages carry `content` as a string or an array of
 * parts (https://platform.openai.com/docs/api-reference/chat/create); Responses `input` is a string or a
 * list of items whose content parts are `input_text` / `output_text`
 * (https://platform.openai.com/docs/api-reference/responses/create).
 */
export function partsText(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') out.push(part);
    else if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
      out.push((part as { text: string }).text);
    }
  }
  return out;
}

interface Message {
  role?: string;
  content?: unknown;
}

/** Every text of every chat message (system, user, assistant, tool), for the input token count. */
export function chatInputTexts(messages: Message[]): string[] {
  return messages.flatMap((m) => partsText(m?.content));
}

/** Text of the last user message (parts joined by a space); '' when there is none. */
export function lastUserText(messages: Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return partsText(message.content).join(' ');
  }
  return '';
}

/** Responses API `input`: all texts, and the last user text. */
export function responsesInput(input: unknown, instructions: unknown): { texts: string[]; lastUser: string } {
  const texts: string[] = typeof instructions === 'string' ? [instructions] : [];
  if (typeof input === 'string') return { texts: [...texts, input], lastUser: input };
  let lastUser = '';
  if (Array.isArray(input)) {
    for (const item of input) {
      if (!item || typeof item !== 'object') continue;
      const { output, content, role } = item as { output?: unknown; content?: unknown; role?: unknown };
      if (typeof output === 'string') texts.push(output); // function_call_output
      const t = partsText(content);
      texts.push(...t);
      if (role === 'user') lastUser = t.join(' ');
    }
  }
  return { texts, lastUser };
}

/** The `model` a response repeats: the request's own string (a non-string, which the API rejects, as JSON). */
export function echoedModel(model: unknown): string {
  return typeof model === 'string' ? model : JSON.stringify(model);
}

/** The default reply every OpenAI route gives: `Echo: <last user text>`. */
export function echo(text: string): string {
  return text === '' ? 'Echo:' : `Echo: ${text}`;
}
