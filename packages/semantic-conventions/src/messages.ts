/**
 * TypeScript types for the GenAI conventions' message schema (role + parts), as serialised into
 * `gen_ai.input.messages`, `gen_ai.output.messages` and `gen_ai.system_instructions`.
 * Source: gen-ai-input-messages.json / gen-ai-output-messages.json / gen-ai-system-instructions.json
 * in the GenAI semantic conventions.
 */

export type Role = 'system' | 'user' | 'assistant' | 'tool' | (string & {});

export interface TextPart {
  type: 'text';
  content: string;
}

export interface ToolCallRequestPart {
  type: 'tool_call';
  id?: string | null;
  name: string;
  arguments?: unknown;
}

export interface ToolCallResponsePart {
  type: 'tool_call_response';
  id?: string | null;
  response: unknown;
}

/** Inline binary data (base64), e.g. an image in the prompt. */
export interface BlobPart {
  type: 'blob';
  mime_type?: string | null;
  modality: 'image' | 'video' | 'audio' | (string & {});
  content: string;
}

/** Reference to data by URI. */
export interface UriPart {
  type: 'uri';
  mime_type?: string | null;
  modality: 'image' | 'video' | 'audio' | (string & {});
  uri: string;
}

/** Reference to an uploaded file by provider file id. */
export interface FilePart {
  type: 'file';
  mime_type?: string | null;
  modality: 'image' | 'video' | 'audio' | (string & {});
  file_id: string;
}

/** Model reasoning/thinking content. */
export interface ReasoningPart {
  type: 'reasoning';
  content: string;
}

/** Any other part; `type` names it and the rest is provider-specific. */
export interface GenericPart {
  type: string;
  [key: string]: unknown;
}

export type MessagePart = TextPart | ToolCallRequestPart | ToolCallResponsePart | BlobPart | UriPart | FilePart | ReasoningPart | GenericPart;

export interface ChatMessage {
  role: Role;
  parts: MessagePart[];
  name?: string | null;
}

export type InputMessages = ChatMessage[];

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_call' | 'error' | (string & {});

export interface OutputMessage extends ChatMessage {
  finish_reason: FinishReason;
}

export type OutputMessages = OutputMessage[];

/** `gen_ai.system_instructions` is an array of parts. */
export type SystemInstructions = MessagePart[];

export interface FunctionToolDefinition {
  type: 'function' | (string & {});
  name: string;
  description?: string | null;
  parameters?: unknown;
  [key: string]: unknown;
}

export type ToolDefinitions = FunctionToolDefinition[];
