import type { MessagePart } from '@llm-provenance/semantic-conventions';

/**
 * Shared by every backend that speaks the OpenAI wire format (openai, groq-sdk, ...).
 * Converts OpenAI content parts (Chat Completions: https://platform.openai.com/docs/api-reference/chat/create
 * `messages[].content`; Responses: https://platform.openai.com/docs/api-reference/responses/create
 * `input[].content`) to the GenAI conventions' parts.
 */
export function toParts(content: unknown): MessagePart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ type: 'text', content }];
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- content of no known shape is recorded as its string form, whatever that is
  if (!Array.isArray(content)) return [{ type: 'text', content: String(content) }];
  return content.map(toPart).filter((p): p is MessagePart => p !== undefined);
}

/**
 * One content part as the SDKs send it: Chat Completions (`text`, `image_url`, `input_audio`, `file`,
 * `refusal`) and Responses (`input_text`, `output_text`, `input_image`, `input_file`) shapes; every
 * field may be missing, and a part of another type is kept with whatever fields it has.
 */
interface ContentPartWire {
  type?: string;
  text?: string;
  refusal?: string;
  /** Chat Completions: `{ url }`; Responses `input_image`: the URL itself. */
  image_url?: { url?: unknown } | string | null;
  file_id?: unknown;
  input_audio?: { format?: string; data?: string } | null;
  file?: FileWire | null;
  [field: string]: unknown;
}

/** A file reference: an uploaded file's id, a URL, or inline `data:` URL text. */
interface FileWire {
  file_id?: unknown;
  file_url?: unknown;
  file_data?: unknown;
}

function toPart(item: unknown): MessagePart | undefined {
  if (typeof item === 'string') return { type: 'text', content: item };
  if (!item || typeof item !== 'object') return undefined;
  const part = item as ContentPartWire;
  switch (part.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return { type: 'text', content: String(part.text ?? '') };
    case 'refusal':
      return { type: 'refusal', content: String(part.refusal ?? '') };
    case 'image_url':
      return imagePart(typeof part.image_url === 'string' ? undefined : part.image_url?.url);
    case 'input_image':
      if (typeof part.file_id === 'string') return { type: 'file', modality: 'image', file_id: part.file_id };
      return imagePart(part.image_url);
    case 'input_audio':
      return {
        type: 'blob',
        modality: 'audio',
        mime_type: part.input_audio?.format ? `audio/${part.input_audio.format}` : null,
        content: String(part.input_audio?.data ?? ''),
      };
    case 'file':
      return filePart(part.file ?? {});
    case 'input_file':
      return filePart(part);
    default:
      return { ...part, type: String(part.type ?? 'unknown') };
  }
}

/** `data:` URLs are inline blobs; anything else is a URI reference. */
function imagePart(url: unknown): MessagePart {
  const value = typeof url === 'string' ? url : '';
  const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(value);
  if (m) return { type: 'blob', modality: 'image', mime_type: m[1] ?? null, content: m[3] };
  return { type: 'uri', modality: 'image', uri: value };
}

function filePart(file: FileWire): MessagePart {
  if (typeof file.file_id === 'string') return { type: 'file', modality: 'document', file_id: file.file_id };
  if (typeof file.file_url === 'string') return { type: 'uri', modality: 'document', uri: file.file_url };
  const data = typeof file.file_data === 'string' ? file.file_data : '';
  const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(data);
  return { type: 'blob', modality: 'document', mime_type: m?.[1] ?? null, content: m ? m[3] : data };
}

/** Tool-call arguments as the model sent them: parsed JSON when it is JSON, the raw string otherwise. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** Text of content that may be a string or a list of text parts (tool results). */
export function contentText(content: unknown): unknown {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    if (content.every((p: unknown): p is { text: string } => !!p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string')) {
      return content.map((p) => p.text).join('');
    }
  }
  return content;
}

/**
 * The conventions' finish_reason for an output message (stop | length | content_filter | tool_call |
 * error); `gen_ai.response.finish_reasons` keeps the provider's own values.
 */
export function conventionFinishReason(reason: unknown): string {
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_call';
  if (typeof reason === 'string' && reason !== '') return reason;
  return 'error';
}
