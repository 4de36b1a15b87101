/**
 * Captured content in words, for `consistency` and `lineage`: the payloads an input or output block links
 * (FORMAT.md section 5.2), the text of GenAI messages
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-output-messages.json), and a short word
 * diff between two texts.
 */
import type { ProvenanceSource } from '../read/source.js';
import { payloadLinks } from '../query/payload-links.js';

export { payloadLinks };

/** Characters of a text shown before it is cut with "...". */
export const TEXT_LENGTH = 200;

interface Part {
  type?: unknown;
  content?: unknown;
  name?: unknown;
  arguments?: unknown;
}

/** The words of one message part: its text, a tool call as name(arguments), anything else as [type]. */
function partText(part: Part): string {
  if (typeof part?.content === 'string' && (part.type === 'text' || part.type === undefined)) return part.content;
  if (part?.type === 'tool_call' && typeof part.name === 'string') return `${part.name}(${JSON.stringify(part.arguments ?? {})})`;
  return `[${typeof part?.type === 'string' ? part.type : 'part'}]`;
}

/** The text of a GenAI messages payload (parts joined by spaces), or the payload as stored when it is not one. */
export function messagesText(payload: string): string {
  try {
    const v: unknown = JSON.parse(payload);
    if (Array.isArray(v)) {
      return v
        .flatMap((m: { parts?: unknown }) => (Array.isArray(m?.parts) ? (m.parts as Part[]) : []))
        .map(partText)
        .join(' ');
    }
  } catch {
    // not JSON: shown as stored
  }
  return payload;
}

/**
 * The text of the first payload of `block` named `attribute` (e.g. gen_ai.output.messages), on one line,
 * or null when that content was not captured.
 */
export function blockText(source: ProvenanceSource, block: string | null, attribute: string): string | null {
  const cid = payloadLinks(source, block)[attribute];
  const raw = cid ? source.block(cid) : undefined;
  return raw ? messagesText(raw.toString('utf8')).replace(/\s+/g, ' ').trim() : null;
}

/** `text` cut to `max` characters with "...". */
export function cut(text: string, max = TEXT_LENGTH): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** What changes from one text to another: the words between their common start and common end. */
export interface TextDiff {
  /** Words only in the first text. */
  removed: string;
  /** Words only in the second text. */
  added: string;
}

/** The shortest middle span of words that differs between `from` and `to` (common prefix and suffix removed). */
export function wordDiff(from: string, to: string): TextDiff {
  const a = from.split(' ');
  const b = to.split(' ');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { removed: cut(a.slice(head, a.length - tail).join(' ')), added: cut(b.slice(head, b.length - tail).join(' ')) };
}
