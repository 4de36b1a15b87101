import type { ChatMessage, MessagePart, SystemInstructions, ToolDefinitions } from '@llm-provenance/semantic-conventions';

/**
 * Gemini's Content / Part shapes (https://ai.google.dev/api/caching#Content) in the GenAI conventions'
 * role + parts schema. Both SDKs use the same shapes (camelCase), so this file serves both.
 */
export interface GeminiPart {
  text?: string;
  thought?: boolean;
  functionCall?: { id?: string; name?: string; args?: unknown };
  functionResponse?: { id?: string; name?: string; response?: unknown };
  inlineData?: { mimeType?: string; data?: string };
  fileData?: { mimeType?: string; fileUri?: string };
  executableCode?: { language?: string; code?: string };
  codeExecutionResult?: { outcome?: string; output?: string };
  [key: string]: unknown;
}
/** A `functionDeclarations` entry of a tool: its JSON schema as `parameters` (OpenAPI subset) or `parametersJsonSchema`. */
interface FunctionDeclarationWire {
  name?: string;
  description?: string;
  parameters?: unknown;
  parametersJsonSchema?: unknown;
}

export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

function modalityOf(mimeType: string | undefined): string {
  const top = (mimeType ?? '').split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : top || 'unknown';
}

export function partOf(part: GeminiPart): MessagePart {
  if (typeof part.text === 'string') return part.thought ? { type: 'reasoning', content: part.text } : { type: 'text', content: part.text };
  if (part.functionCall) {
    return { type: 'tool_call', id: part.functionCall.id ?? null, name: part.functionCall.name ?? '', arguments: part.functionCall.args };
  }
  if (part.functionResponse) return { type: 'tool_call_response', id: part.functionResponse.id ?? null, response: part.functionResponse.response };
  if (part.inlineData) {
    return { type: 'blob', mime_type: part.inlineData.mimeType ?? null, modality: modalityOf(part.inlineData.mimeType), content: part.inlineData.data ?? '' };
  }
  if (part.fileData) {
    return { type: 'uri', mime_type: part.fileData.mimeType ?? null, modality: modalityOf(part.fileData.mimeType), uri: part.fileData.fileUri ?? '' };
  }
  if (part.executableCode) return { type: 'executable_code', language: part.executableCode.language, code: part.executableCode.code };
  if (part.codeExecutionResult) return { type: 'code_execution_result', outcome: part.codeExecutionResult.outcome, output: part.codeExecutionResult.output };
  // Anything newer than this mapping: keep its kind and payload under the generic part shape.
  const kind = Object.keys(part).find((k) => part[k] !== undefined) ?? 'unknown';
  return { type: kind, value: part[kind] };
}

function asPart(value: unknown): GeminiPart {
  return typeof value === 'string' ? { text: value } : ((value ?? {}) as GeminiPart);
}

function isContent(value: unknown): value is GeminiContent {
  return !!value && typeof value === 'object' && ('parts' in value || 'role' in value);
}

/**
 * The SDKs' `contents` union as a Content list: a string or a Part (or list of them) is one user turn;
 * Contents are taken as they are (`ContentListUnion` in @google/genai, `string | (string|Part)[] |
 * {contents}` in the legacy SDK).
 */
export function normalizeContents(contents: unknown): GeminiContent[] {
  if (contents === undefined || contents === null) return [];
  if (Array.isArray(contents)) {
    if (contents.length === 0) return [];
    if (contents.every(isContent)) return contents;
    return [{ role: 'user', parts: contents.map(asPart) }];
  }
  if (isContent(contents)) return [contents];
  return [{ role: 'user', parts: [asPart(contents)] }];
}

/** Gemini calls the assistant "model"; the conventions say "assistant". */
export function roleOf(role: string | undefined): string {
  if (role === 'model') return 'assistant';
  if (role === 'function') return 'tool';
  return role ?? 'user';
}

export function inputMessagesOf(contents: unknown): ChatMessage[] {
  return normalizeContents(contents).map((c) => ({ role: roleOf(c.role), parts: (c.parts ?? []).map(partOf) }));
}

/** `systemInstruction` (string, Part, Part[] or Content) as the conventions' list of parts. */
export function systemInstructionsOf(instruction: unknown): SystemInstructions | undefined {
  if (instruction === undefined || instruction === null || instruction === '') return undefined;
  const parts = isContent(instruction) ? (instruction.parts ?? []) : Array.isArray(instruction) ? instruction.map(asPart) : [asPart(instruction)];
  return parts.map(partOf);
}

/**
 * `tools`: function declarations become function definitions; built-in tools (googleSearch,
 * codeExecution, urlContext ...) are listed by their kind.
 */
export function toolDefinitionsOf(tools: unknown): ToolDefinitions | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const out: ToolDefinitions = [];
  for (const tool of tools) {
    if (!tool || typeof tool !== 'object') continue;
    for (const [kind, value] of Object.entries(tool as Record<string, unknown>)) {
      if (value === undefined) continue;
      if (kind === 'functionDeclarations' && Array.isArray(value)) {
        for (const fn of value as Array<FunctionDeclarationWire | null>) {
          out.push({
            type: 'function',
            name: String(fn?.name ?? ''),
            ...(fn?.description !== undefined ? { description: fn.description } : {}),
            ...(fn?.parameters !== undefined || fn?.parametersJsonSchema !== undefined ? { parameters: fn.parameters ?? fn.parametersJsonSchema } : {}),
          });
        }
      } else {
        out.push({ type: kind, name: kind });
      }
    }
  }
  return out;
}
