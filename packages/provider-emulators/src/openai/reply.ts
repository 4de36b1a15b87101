import { sampleFromSchema } from '../core/json-schema-sample.js';
import { countWords, truncateWords } from '../core/tokens.js';
import type { Scenario } from '../core/types.js';
import { echo } from './content.js';

/** What the emulated model says, before it is framed as a chat completion, completion or response. */
export type Reply = { kind: 'text'; text: string; truncated: boolean } | { kind: 'tool_call'; name: string; arguments: string };

export interface ReplyRequest {
  scenario: Scenario | undefined;
  /** Text of the last user message / prompt. */
  userText: string;
  /** JSON Schema the answer must satisfy (structured outputs), if any. */
  schema?: unknown;
  /** `json_object` mode: answer with some JSON object. */
  jsonObject?: boolean;
  /** max_tokens / max_completion_tokens / max_output_tokens. */
  maxTokens?: number;
  /** A tool the request forces (tool_choice `required` / a named function): called when no scenario decides. */
  forcedTool?: { name: string; parameters?: unknown };
}

export function planReply(r: ReplyRequest): Reply {
  const s = r.scenario;
  if (s?.kind === 'tool_call') return { kind: 'tool_call', name: s.name, arguments: JSON.stringify(s.arguments) };
  if (r.forcedTool && s?.kind !== 'text') {
    const parameters = r.forcedTool.parameters ?? { type: 'object', properties: {} };
    const args = sampleFromSchema(parameters, { text: echo(r.userText), number: countWords(r.userText) });
    return { kind: 'tool_call', name: r.forcedTool.name, arguments: JSON.stringify(args) };
  }
  let text: string;
  if (s?.kind === 'text') text = s.text;
  else if (r.schema !== undefined) {
    text = JSON.stringify(sampleFromSchema(r.schema, { text: echo(r.userText), number: countWords(r.userText) }));
  } else if (r.jsonObject) text = JSON.stringify({ echo: r.userText });
  else text = echo(r.userText);
  if (typeof r.maxTokens === 'number' && countWords(text) > r.maxTokens) {
    return { kind: 'text', text: truncateWords(text, r.maxTokens), truncated: true };
  }
  return { kind: 'text', text, truncated: false };
}

/** Output token count of a reply under the shared word rule (a tool call counts its name and arguments). */
export function replyWords(reply: Reply): number {
  return reply.kind === 'text' ? countWords(reply.text) : countWords(`${reply.name} ${reply.arguments}`);
}

/**
 * Splits function-call arguments the way the API streams them: runs of word characters and runs of
 * punctuation alternate (`{"city":"Paris"}` -> `{"`, `city`, `":"`, `Paris`, `"}`).
 */
export function argumentFragments(args: string): string[] {
  return args.match(/[A-Za-z0-9_]+|[^A-Za-z0-9_]+/g) ?? [];
}
