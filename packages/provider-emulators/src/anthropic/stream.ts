import type { SseWriter } from '../core/sse.js';
import { splitWords } from '../core/tokens.js';
import { argumentFragments } from '../openai/reply.js';
import type { ContentBlock, Message } from './message.js';

/**
 * Writes `message` as the Messages API streams it (https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 * `message_start` (content empty, usage with the input counts and output_tokens 1), then per content block
 * `content_block_start`, its deltas (`text_delta` one per word, `input_json_delta` fragments of the tool
 * input, `thinking_delta` per word then `signature_delta`) and `content_block_stop`, a `ping` after the
 * first block start, then `message_delta` (stop_reason and cumulative usage) and `message_stop`.
 * Every event is one SSE chunk with its `event:` name.
 */
export async function streamMessage(sse: SseWriter, message: Message): Promise<void> {
  const { content, usage, stop_reason, stop_sequence, ...head } = message;
  const startUsage = usage ? { ...usage, output_tokens: Math.min(1, usage.output_tokens) } : undefined;
  await send(sse, 'message_start', {
    message: { ...head, content: [], stop_reason: null, stop_sequence: null, ...(startUsage ? { usage: startUsage } : {}) },
  });
  for (const [index, block] of content.entries()) {
    await send(sse, 'content_block_start', { index, content_block: emptyBlock(block) });
    if (index === 0) await send(sse, 'ping', {});
    for (const delta of blockDeltas(block)) await send(sse, 'content_block_delta', { index, delta });
    await send(sse, 'content_block_stop', { index });
  }
  const { service_tier: _tier, ...deltaUsage } = usage ?? ({} as Partial<NonNullable<Message['usage']>>);
  await send(sse, 'message_delta', {
    delta: { stop_reason, stop_sequence },
    ...(usage ? { usage: deltaUsage } : {}),
  });
  await send(sse, 'message_stop', {});
  sse.end();
}

function send(sse: SseWriter, type: string, data: Record<string, unknown>): Promise<void> {
  return sse.send({ type, ...data }, type);
}

function emptyBlock(block: ContentBlock): ContentBlock {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '' };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: {} };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
  }
}

function blockDeltas(block: ContentBlock): Record<string, unknown>[] {
  switch (block.type) {
    case 'text':
      return splitWords(block.text).map((text) => ({ type: 'text_delta', text }));
    case 'tool_use':
      return argumentFragments(JSON.stringify(block.input)).map((partial_json) => ({ type: 'input_json_delta', partial_json }));
    case 'thinking':
      return [...splitWords(block.thinking).map((thinking) => ({ type: 'thinking_delta', thinking })), { type: 'signature_delta', signature: block.signature }];
  }
}
