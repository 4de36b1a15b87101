import {
  GenAiOperationName,
  GenAiOutputType,
  type ChatMessage,
  type InputMessages,
  type MessagePart,
  type OutputMessage,
  type SystemInstructions,
  type ToolDefinitions,
} from '@llm-provenance/semantic-conventions';
import { genAIRequestAttributes } from '../attributes.js';
import type { GenAIRequest, GenAIRequestContent, GenAIResponse } from '../genai-span.js';
import { jsonArray, jsonString, textPartJson } from '../json-text.js';
import { addCallerIdentity } from './caller-identity.js';
import { contentText, conventionFinishReason, parseArguments, toParts } from './content-parts.js';
import { requestTarget, type OpenAiCompatibleClient } from './request-target.js';
import { ChoiceStreamAccumulator } from './stream-choices.js';
import { chatCompletionUsage } from './usage.js';

/**
 * The Chat Completions wire format (https://platform.openai.com/docs/api-reference/chat), shared by every
 * SDK that speaks it (openai, groq-sdk, ...). Provider-specific attributes (`openai.*`, Groq's `x_groq`)
 * stay in the backend packages, which extend these mappings.
 */

/** The fields of a chat request read here (https://platform.openai.com/docs/api-reference/chat/create); any may be missing. */
interface ChatCompletionRequestWire {
  model?: string;
  messages?: Array<ChatMessageWire | null>;
  max_completion_tokens?: number | null;
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  n?: number | null;
  response_format?: { type?: string } | null;
  stream?: boolean | null;
  tools?: Array<ToolWire | null>;
  /** Deprecated form of `tools`. */
  functions?: Array<FunctionWire | null>;
}

/** A request message, or the `message` of a response choice. */
interface ChatMessageWire {
  role?: string;
  /** A string, an array of content parts (content-parts.ts), or null. */
  content?: unknown;
  name?: string;
  refusal?: string | null;
  tool_calls?: Array<ToolCallWire | null> | null;
  /** Deprecated form of `tool_calls`. */
  function_call?: { name?: string; arguments?: unknown } | null;
  tool_call_id?: string | null;
}

/** A tool call of a message: a function call, or (newer models) a custom tool's free-form input. */
interface ToolCallWire {
  id?: string;
  function?: { name?: string; arguments?: unknown } | null;
  custom?: { name?: string; input?: unknown } | null;
}

/** A tool definition: `{ type: 'function', function }`, or another type whose spec sits under its type's name. */
interface ToolWire {
  type?: string;
  function?: FunctionWire | null;
  [typeName: string]: unknown;
}

interface FunctionWire {
  name?: string;
  description?: string;
  parameters?: unknown;
}

/** The fields of a `chat.completion` read here (https://platform.openai.com/docs/api-reference/chat/object). */
interface ChatCompletionWire {
  id?: string;
  model?: string;
  choices?: Array<ChatChoiceWire | null>;
  usage?: unknown;
  /** Set by the SDK from the `x-request-id` header. */
  _request_id?: string | null;
}

interface ChatChoiceWire {
  finish_reason?: string | null;
  message?: ChatMessageWire | null;
}

/** A `choices[]` entry of a `chat.completion.chunk` (https://platform.openai.com/docs/api-reference/chat-streaming). */
interface ChatChunkChoiceWire {
  index?: number;
  finish_reason?: string | null;
  delta?: {
    role?: string;
    content?: string | null;
    refusal?: string | null;
    tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } | null }>;
  } | null;
}

/** What a chat request needs from the client it goes through. */
export type ChatCompletionClient = OpenAiCompatibleClient;

/**
 * Request of `chat.completions.create` (https://platform.openai.com/docs/api-reference/chat/create).
 * `max_completion_tokens` (the current name) wins over the deprecated `max_tokens`.
 */
export function chatCompletionRequest(value: unknown, client: ChatCompletionClient): GenAIRequest {
  const body = value as ChatCompletionRequestWire | null | undefined;
  const request = requestTarget(GenAiOperationName.CHAT, body, client);
  request.attributes = genAIRequestAttributes({
    maxTokens: body?.max_completion_tokens ?? body?.max_tokens,
    temperature: body?.temperature,
    topP: body?.top_p,
    frequencyPenalty: body?.frequency_penalty,
    presencePenalty: body?.presence_penalty,
    stopSequences: body?.stop,
    seed: body?.seed,
    choiceCount: body?.n,
    outputType: chatOutputTypeOf(body?.response_format?.type),
    stream: body?.stream,
  });
  addCallerIdentity(body, request.attributes);
  request.content = () => chatCompletionRequestContentJson(body);
  return request;
}

/** `response_format.type` -> `gen_ai.output.type`. */
export function chatOutputTypeOf(formatType: unknown): string | undefined {
  if (formatType === 'text') return GenAiOutputType.TEXT;
  if (formatType === 'json_object' || formatType === 'json_schema') return GenAiOutputType.JSON;
  return undefined;
}

/** System/developer messages become `gen_ai.system_instructions`; the rest is the chat history. */
export function chatCompletionRequestContent(value: unknown): GenAIRequestContent {
  const body = value as ChatCompletionRequestWire | null | undefined;
  const inputMessages: InputMessages = [];
  for (const message of Array.isArray(body?.messages) ? body.messages : []) {
    if (!message || typeof message !== 'object' || isSystemMessage(message)) continue;
    inputMessages.push(chatMessage(message));
  }
  return { inputMessages, systemInstructions: systemInstructions(body), toolDefinitions: toolDefinitions(body) };
}

/**
 * `chatCompletionRequestContent` as the conventions' JSON text, the same text `JSON.stringify` gives for
 * it: messages whose content is a string (or none), without tool calls or a refusal, are written
 * directly (json-text.ts); any other message goes through the object mapping, and so do system
 * instructions as soon as one has content parts.
 */
export function chatCompletionRequestContentJson(value: unknown): GenAIRequestContent {
  const body = value as ChatCompletionRequestWire | null | undefined;
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const input: string[] = [];
  let system: string[] | undefined;
  let systemParts = false;
  for (const message of messages) {
    if (!message || typeof message !== 'object') continue;
    if (isSystemMessage(message)) {
      const content = message.content;
      if (typeof content === 'string') (system ??= []).push(textPartJson(content));
      else if (content !== undefined && content !== null) systemParts = true;
      continue;
    }
    input.push(chatMessageJson(message));
  }
  let systemInstructionsJson: string | undefined;
  if (systemParts) {
    const parts = systemInstructions(body);
    if (parts.length > 0) systemInstructionsJson = JSON.stringify(parts);
  } else if (system) {
    systemInstructionsJson = jsonArray(system);
  }
  let toolDefinitionsJson: string | undefined;
  if (hasItems(body?.tools) || hasItems(body?.functions)) {
    const tools = toolDefinitions(body);
    if (tools.length > 0) toolDefinitionsJson = JSON.stringify(tools);
  }
  return { inputMessagesJson: jsonArray(input), systemInstructionsJson, toolDefinitionsJson };
}

function isSystemMessage(message: ChatMessageWire): boolean {
  return message.role === 'system' || message.role === 'developer';
}

function systemInstructions(body: ChatCompletionRequestWire | null | undefined): SystemInstructions {
  const parts: SystemInstructions = [];
  for (const message of Array.isArray(body?.messages) ? body.messages : []) {
    if (message && typeof message === 'object' && isSystemMessage(message)) parts.push(...toParts(message.content));
  }
  return parts;
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** Whether a message (or completion message) carries tool calls: they need the object mapping. */
function hasToolCalls(message: ChatMessageWire): boolean {
  return hasItems(message.tool_calls) || (!!message.function_call && typeof message.function_call === 'object');
}

/** `JSON.stringify(chatMessage(message))`. */
function chatMessageJson(message: ChatMessageWire): string {
  const { role, content } = message;
  if (typeof role !== 'string' || role === 'tool' || role === 'function' || typeof message.refusal === 'string' || hasToolCalls(message)) {
    return JSON.stringify(chatMessage(message));
  }
  let parts: string;
  if (typeof content === 'string') parts = textPartJson(content);
  else if (content === undefined || content === null) parts = '';
  else return JSON.stringify(chatMessage(message));
  const name = typeof message.name === 'string' ? `,"name":${jsonString(message.name)}` : '';
  return `{"role":${jsonString(role)},"parts":[${parts}]${name}}`;
}

function chatMessage(message: ChatMessageWire): ChatMessage {
  const named = typeof message.name === 'string' ? { name: message.name } : {};
  if (message.role === 'tool') {
    return { role: 'tool', parts: [{ type: 'tool_call_response', id: message.tool_call_id ?? null, response: contentText(message.content) }], ...named };
  }
  if (message.role === 'function') {
    return { role: 'tool', parts: [{ type: 'tool_call_response', id: null, response: contentText(message.content) }], ...named };
  }
  const parts: MessagePart[] = toParts(message.content);
  if (typeof message.refusal === 'string') parts.push({ type: 'refusal', content: message.refusal });
  parts.push(...toolCallParts(message.tool_calls, message.function_call));
  return { role: String(message.role ?? 'user'), parts, ...named };
}

function toolCallParts(toolCalls: ChatMessageWire['tool_calls'], functionCall?: ChatMessageWire['function_call']): MessagePart[] {
  const parts: MessagePart[] = [];
  for (const call of Array.isArray(toolCalls) ? toolCalls : []) {
    if (!call || typeof call !== 'object') continue;
    if (call.function) {
      parts.push({ type: 'tool_call', id: call.id ?? null, name: String(call.function.name ?? ''), arguments: parseArguments(call.function.arguments) });
    } else if (call.custom) {
      parts.push({ type: 'tool_call', id: call.id ?? null, name: String(call.custom.name ?? ''), arguments: call.custom.input });
    }
  }
  if (functionCall && typeof functionCall === 'object') {
    parts.push({ type: 'tool_call', id: null, name: String(functionCall.name ?? ''), arguments: parseArguments(functionCall.arguments) });
  }
  return parts;
}

/** `tools` (and the deprecated `functions`) as the conventions' tool definitions. */
function toolDefinitions(body: ChatCompletionRequestWire | null | undefined): ToolDefinitions {
  const out: ToolDefinitions = [];
  for (const tool of Array.isArray(body?.tools) ? body.tools : []) {
    if (tool?.type === 'function' && tool.function) {
      out.push(definedTool({ type: 'function', name: tool.function.name, description: tool.function.description, parameters: tool.function.parameters }));
    } else if (tool && typeof tool === 'object') {
      const spec = (tool[tool.type as string] ?? {}) as { name?: string; description?: unknown };
      out.push(definedTool({ type: String(tool.type), name: spec.name ?? tool.type, description: spec.description }));
    }
  }
  for (const fn of Array.isArray(body?.functions) ? body.functions : []) {
    out.push(definedTool({ type: 'function', name: fn?.name, description: fn?.description, parameters: fn?.parameters }));
  }
  return out;
}

function definedTool(tool: { type: string; name: string | undefined; description?: unknown; parameters?: unknown }) {
  return {
    type: tool.type,
    name: String(tool.name ?? ''),
    ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
    ...(tool.parameters !== undefined ? { parameters: tool.parameters } : {}),
  };
}

/**
 * A `chat.completion` object (https://platform.openai.com/docs/api-reference/chat/object): id, model, each
 * choice's finish reason, usage, the SDK's `_request_id`, and one output message per choice (as JSON text).
 */
export function chatCompletionResponse(value: unknown): GenAIResponse | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const result = value as ChatCompletionWire;
  const choices = Array.isArray(result.choices) ? result.choices : [];
  const finishReasons: string[] = [];
  const messages: string[] = [];
  for (const choice of choices) {
    const reason = choice?.finish_reason;
    if (typeof reason === 'string') finishReasons.push(reason);
    messages.push(chatOutputMessageJson(choice));
  }
  return {
    id: result.id,
    model: result.model,
    finishReasons,
    usage: chatCompletionUsage(result.usage),
    requestId: result._request_id,
    outputMessagesJson: jsonArray(messages),
  };
}

/** The output message of one choice of a `chat.completion` (`chatCompletionResponse` writes it as JSON text). */
export function chatCompletionOutputMessage(value: unknown): OutputMessage {
  const choice = value as ChatChoiceWire | null | undefined;
  const m: ChatMessageWire = choice?.message ?? {};
  const parts: MessagePart[] = toParts(m.content);
  if (typeof m.refusal === 'string') parts.push({ type: 'refusal', content: m.refusal });
  parts.push(...toolCallParts(m.tool_calls, m.function_call));
  return { role: String(m.role ?? 'assistant'), parts, finish_reason: conventionFinishReason(choice?.finish_reason) };
}

/** `JSON.stringify(chatCompletionOutputMessage(choice))`, written directly for a message of text (or nothing) only. */
function chatOutputMessageJson(choice: ChatChoiceWire | null): string {
  const m: ChatMessageWire = choice?.message ?? {};
  const role = m.role ?? 'assistant';
  const content = m.content;
  if (typeof role !== 'string' || typeof m.refusal === 'string' || hasToolCalls(m)) return JSON.stringify(chatCompletionOutputMessage(choice));
  let parts: string;
  if (typeof content === 'string') parts = textPartJson(content);
  else if (content === undefined || content === null) parts = '';
  else return JSON.stringify(chatCompletionOutputMessage(choice));
  return outputMessageJson(role, parts, conventionFinishReason(choice?.finish_reason));
}

/** `JSON.stringify({ role, parts, finish_reason })` for parts already written as JSON text. */
function outputMessageJson(role: string, parts: string, finishReason: string): string {
  return `{"role":${jsonString(role)},"parts":[${parts}],"finish_reason":${jsonString(finishReason)}}`;
}

interface ChoiceState {
  role?: string;
  text: string;
  refusal: string;
  toolCalls: Map<number, { id?: string; name: string; arguments: string }>;
  finishReason?: string;
}

/**
 * Accumulates `chat.completion.chunk` events (https://platform.openai.com/docs/api-reference/chat-streaming).
 * Usage comes from a chunk's `usage` (OpenAI's usage chunk with `stream_options.include_usage`).
 * Subclasses read provider extras: `onChunkExtras` sees every chunk, `responseAttributes` adds
 * attributes, and `usage` may be set from elsewhere (Groq: `x_groq.usage`).
 */
export class ChatCompletionStreamAccumulator extends ChoiceStreamAccumulator<ChoiceState, ChatChunkChoiceWire> {
  constructor(captureContent: boolean) {
    super(captureContent, () => ({ text: '', refusal: '', toolCalls: new Map() }));
  }

  protected onChoice(state: ChoiceState, c: ChatChunkChoiceWire): void {
    if (typeof c.finish_reason === 'string') state.finishReason = c.finish_reason;
    const delta = c.delta;
    if (!delta || !this.captureContent) return;
    if (typeof delta.role === 'string') state.role = delta.role;
    if (typeof delta.content === 'string') state.text += delta.content;
    if (typeof delta.refusal === 'string') state.refusal += delta.refusal;
    if (!Array.isArray(delta.tool_calls)) return;
    for (const tc of delta.tool_calls) {
      const i = typeof tc?.index === 'number' ? tc.index : 0;
      const call = state.toolCalls.get(i) ?? { name: '', arguments: '' };
      if (typeof tc.id === 'string') call.id = tc.id;
      if (typeof tc.function?.name === 'string') call.name += tc.function.name;
      if (typeof tc.function?.arguments === 'string') call.arguments += tc.function.arguments;
      state.toolCalls.set(i, call);
    }
  }

  protected outputMessage(s: ChoiceState): OutputMessage {
    const parts: MessagePart[] = s.text !== '' ? [{ type: 'text', content: s.text }] : [];
    if (s.refusal !== '') parts.push({ type: 'refusal', content: s.refusal });
    for (const [, call] of [...s.toolCalls.entries()].sort(([a], [b]) => a - b)) {
      parts.push({ type: 'tool_call', id: call.id ?? null, name: call.name, arguments: parseArguments(call.arguments) });
    }
    return { role: s.role ?? 'assistant', parts, finish_reason: conventionFinishReason(s.finishReason) };
  }

  /** A choice of text only is written directly; see `outputMessage` for the rest. */
  protected override outputMessageJson(s: ChoiceState): string {
    if (s.refusal !== '' || s.toolCalls.size > 0) return JSON.stringify(this.outputMessage(s));
    return outputMessageJson(s.role ?? 'assistant', s.text !== '' ? textPartJson(s.text) : '', conventionFinishReason(s.finishReason));
  }
}
