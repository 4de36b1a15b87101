import type { ChatMessage, MessagePart, OutputMessage, ToolDefinitions } from '@llm-provenance/semantic-conventions';

/**
 * Ollama's chat shapes (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion)
 * in the GenAI conventions' role + parts schema.
 */
export interface OllamaToolCall {
  function?: { name?: string; arguments?: unknown; index?: number };
  id?: string;
}
export interface OllamaMessage {
  role?: string;
  content?: string;
  thinking?: string;
  images?: Array<string | Uint8Array>;
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
}
export interface OllamaTool {
  type?: string;
  function?: { name?: string; description?: string; parameters?: unknown };
}

/** Images are sent base64 (the SDK encodes byte arrays the same way before posting). */
function imagePart(image: string | Uint8Array): MessagePart {
  const content = typeof image === 'string' ? image : Buffer.from(image).toString('base64');
  return { type: 'blob', modality: 'image', mime_type: null, content };
}

function toolCallParts(calls: OllamaToolCall[] | undefined): MessagePart[] {
  return (calls ?? []).map((call) => ({
    type: 'tool_call',
    id: typeof call.id === 'string' ? call.id : null,
    name: call.function?.name ?? '',
    arguments: call.function?.arguments,
  }));
}

/** Parts of one message: reasoning, text, images, tool calls; a `tool` message is a tool result. */
export function partsOf(message: OllamaMessage): MessagePart[] {
  const parts: MessagePart[] = [];
  if (typeof message.thinking === 'string' && message.thinking !== '') parts.push({ type: 'reasoning', content: message.thinking });
  if (message.role === 'tool') {
    parts.push({ type: 'tool_call_response', id: null, response: message.content ?? '' });
  } else if (typeof message.content === 'string' && message.content !== '') {
    parts.push({ type: 'text', content: message.content });
  }
  for (const image of message.images ?? []) parts.push(imagePart(image));
  parts.push(...toolCallParts(message.tool_calls));
  return parts;
}

export function inputMessagesOf(messages: OllamaMessage[] | undefined): ChatMessage[] {
  return (messages ?? []).map((m) => ({
    role: m.role ?? 'user',
    parts: partsOf(m),
    ...(m.role === 'tool' && typeof m.tool_name === 'string' ? { name: m.tool_name } : {}),
  }));
}

export function toolDefinitionsOf(tools: OllamaTool[] | undefined): ToolDefinitions | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  return tools.map((tool) => ({
    type: tool.type ?? 'function',
    name: tool.function?.name ?? '',
    ...(tool.function?.description !== undefined ? { description: tool.function.description } : {}),
    ...(tool.function?.parameters !== undefined ? { parameters: tool.function.parameters } : {}),
  }));
}

/**
 * The conventions' finish_reason for an Ollama `done_reason`: tool calls win (Ollama says "stop" for
 * them), "stop" and "length" are the conventions' own values, anything else is passed through; no
 * done_reason at all (a stream that never reached its `done` line) is "error".
 */
export function finishReasonOf(doneReason: string | undefined, hasToolCalls: boolean): string {
  if (hasToolCalls) return 'tool_call';
  return typeof doneReason === 'string' && doneReason !== '' ? doneReason : 'error';
}

export function outputMessageOf(message: OllamaMessage, doneReason: string | undefined): OutputMessage {
  const hasToolCalls = (message.tool_calls?.length ?? 0) > 0;
  return { role: message.role ?? 'assistant', parts: partsOf(message), finish_reason: finishReasonOf(doneReason, hasToolCalls) };
}
