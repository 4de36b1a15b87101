import type {
  ChatMessage,
  FunctionToolDefinition,
  InputMessages,
  MessagePart,
  OutputMessage,
  SystemInstructions,
  ToolDefinitions,
} from '@llm-provenance/semantic-conventions';

/**
 * Messages API content (https://docs.anthropic.com/en/api/messages) -> the GenAI conventions' role +
 * parts schema. A message's `content` is a string or a list of blocks; `system` is a string or a list
 * of text blocks; tools carry `input_schema`.
 */

/** A content block (text, tool_use, tool_result, thinking, image, document, ...); every field may be missing. */
export interface Block {
  type?: string;
  text?: string;
  id?: string | null;
  name?: string;
  input?: unknown;
  tool_use_id?: string | null;
  /** A tool_result's content: a string or a list of blocks. */
  content?: unknown;
  thinking?: string;
  source?: MediaSource | null;
  [field: string]: unknown;
}

/** Where an image or document comes from: inline base64 or text, a URL, or a Files API id. */
interface MediaSource {
  type?: string;
  media_type?: string | null;
  data?: string;
  url?: string;
  file_id?: string;
}

/** A tool definition: a client tool (`input_schema`) or a server tool of its own `type`. */
interface ToolWire {
  type?: string;
  name?: string;
  description?: string | null;
  input_schema?: unknown;
}

/** One content block as a conventions part. Unknown block types are kept under their own `type`. */
export function partOf(block: unknown): MessagePart | undefined {
  if (typeof block === 'string') return { type: 'text', content: block };
  if (!block || typeof block !== 'object') return undefined;
  const b = block as Block;
  switch (b.type) {
    case 'text':
      return { type: 'text', content: String(b.text ?? '') };
    case 'tool_use':
    case 'server_tool_use':
      return { type: 'tool_call', id: b.id ?? null, name: String(b.name ?? ''), arguments: b.input };
    case 'tool_result':
      return { type: 'tool_call_response', id: b.tool_use_id ?? null, response: toolResultOf(b.content) };
    case 'thinking':
      return { type: 'reasoning', content: String(b.thinking ?? '') };
    case 'image':
    case 'document':
      return mediaPart(b);
    default: {
      const { type, ...rest } = b;
      return { type: String(type ?? 'unknown'), ...rest };
    }
  }
}

/** Image / document blocks: inline base64 -> blob, URL -> uri, Files API id -> file. */
function mediaPart(b: Block): MessagePart {
  const modality = b.type === 'image' ? 'image' : 'document';
  const source: MediaSource = b.source ?? {};
  switch (source.type) {
    case 'base64':
      return { type: 'blob', modality, mime_type: source.media_type ?? null, content: String(source.data ?? '') };
    case 'url':
      return { type: 'uri', modality, uri: String(source.url ?? '') };
    case 'file':
      return { type: 'file', modality, file_id: String(source.file_id ?? '') };
    case 'text':
      return { type: 'text', content: String(source.data ?? '') };
    default:
      return { type: String(b.type), source };
  }
}

/** A tool_result's content: a string as is, text blocks as their joined text, other blocks as parts. */
function toolResultOf(content: unknown): unknown {
  if (typeof content === 'string' || content === undefined || content === null) return content ?? '';
  if (Array.isArray(content)) {
    if (content.every((c) => c && typeof c === 'object' && (c as Block).type === 'text')) {
      return content.map((c) => String((c as Block).text ?? '')).join('');
    }
    return content.map(partOf).filter((p): p is MessagePart => p !== undefined);
  }
  return content;
}

export function partsOf(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  return content.map(partOf).filter((p): p is MessagePart => p !== undefined);
}

/** A request message: `role` and `content` (a string or a list of blocks). */
interface MessageWire {
  role?: string;
  content?: unknown;
}

/** `messages` as `gen_ai.input.messages` (roles kept as sent: `user` / `assistant`). */
export function inputMessagesOf(messages: unknown): InputMessages {
  if (!Array.isArray(messages)) return [];
  return messages.map((m): ChatMessage => ({ role: String((m as MessageWire)?.role ?? 'user'), parts: partsOf((m as MessageWire)?.content) }));
}

/** `system` (string or text blocks) as `gen_ai.system_instructions`. */
export function systemInstructionsOf(system: unknown): SystemInstructions | undefined {
  if (system === undefined || system === null) return undefined;
  return partsOf(system);
}

/**
 * `tools` as `gen_ai.tool.definitions`: client tools become `function` definitions with their JSON
 * schema as `parameters`; Anthropic's server tools (`web_search_20250305`, ...) keep their type.
 */
export function toolDefinitionsOf(tools: unknown): ToolDefinitions | undefined {
  if (!Array.isArray(tools)) return undefined;
  return tools.map((t): FunctionToolDefinition => {
    const tool = (t ?? {}) as ToolWire;
    if (tool.input_schema !== undefined || tool.type === undefined || tool.type === 'custom') {
      return {
        type: 'function',
        name: String(tool.name ?? ''),
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.input_schema,
      };
    }
    return { type: String(tool.type), name: String(tool.name ?? tool.type) };
  });
}

/** The assistant's answer as one output message. */
export function outputMessageOf(content: unknown, finishReason: string | undefined): OutputMessage {
  return { role: 'assistant', parts: partsOf(content), finish_reason: finishReason ?? UNKNOWN_FINISH_REASON };
}

/**
 * The output message's finish_reason when no stop reason arrived (a stream stopped, aborted or cut
 * before `message_delta`): the conventions' `error`, as the shared OpenAI-format and Gemini mappings
 * record it; an empty string is not a finish reason.
 */
export const UNKNOWN_FINISH_REASON = 'error';
