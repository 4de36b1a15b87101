import { countWords, countWordsIn } from '../core/tokens.js';
import type { Scenario } from '../core/types.js';
import { planReply } from '../openai/reply.js';
import { inputTexts, lastUserText } from './content.js';

/** A content block of a Messages API response (https://docs.anthropic.com/en/api/messages#response-content). */
export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'thinking'; thinking: string; signature: string };

export interface Usage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  service_tier: 'standard';
}

/** A complete `message` object as the non-streaming endpoint returns it. */
export interface Message {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';
  stop_sequence: string | null;
  usage?: Usage;
}

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: { role?: string; content?: unknown }[];
  system?: unknown;
  stop_sequences?: unknown;
}

/**
 * Builds the model's answer to `body` under the emulators' shared rules: `Echo: <last user text>`,
 * one token per word, truncation at `max_tokens` (stop_reason `max_tokens`), the first matching
 * `stop_sequences` entry cuts the text (stop_reason `stop_sequence`). Input tokens are the words of the
 * system prompt and every message; with a `cache` scenario the cache counts come on top of them, as the
 * API reports only the uncached part in `input_tokens`.
 */
export function buildMessage(n: number, body: MessagesRequest, scenario: Scenario | undefined): Message {
  const reply = planReply({ scenario, userText: lastUserText(body.messages), maxTokens: body.max_tokens });
  const content: ContentBlock[] = [];
  let outputTokens = 0;
  if (scenario?.kind === 'reasoning') {
    const thinking = Array.from({ length: scenario.tokens }, (_, i) => `step${i + 1}`).join(' ');
    content.push({ type: 'thinking', thinking, signature: `sig_emu_${n}` });
    outputTokens += scenario.tokens;
  }
  let stopReason: Message['stop_reason'];
  let stopSequence: string | null = null;
  if (reply.kind === 'tool_call') {
    const input = JSON.parse(reply.arguments) as Record<string, unknown>;
    content.push({ type: 'tool_use', id: `toolu_emu_${n}`, name: reply.name, input });
    outputTokens += countWords(`${reply.name} ${reply.arguments}`);
    stopReason = 'tool_use';
  } else {
    let text = reply.text;
    stopReason = reply.truncated ? 'max_tokens' : 'end_turn';
    const stops = Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((s): s is string => typeof s === 'string' && s !== '') : [];
    for (const stop of stops) {
      const at = text.indexOf(stop);
      if (at >= 0) {
        text = text.slice(0, at);
        stopReason = 'stop_sequence';
        stopSequence = stop;
        break;
      }
    }
    content.push({ type: 'text', text });
    outputTokens += countWords(text);
  }
  const message: Message = {
    id: `msg_emu_${n}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
  };
  if (scenario?.kind !== 'no_usage') {
    message.usage = {
      input_tokens: countWordsIn(inputTexts(body.system, body.messages)),
      cache_creation_input_tokens: scenario?.kind === 'cache' ? (scenario.creation ?? 0) : 0,
      cache_read_input_tokens: scenario?.kind === 'cache' ? scenario.read : 0,
      output_tokens: outputTokens,
      service_tier: 'standard',
    };
  }
  return message;
}
