import type { GenAIResponse, StreamAccumulator } from '@llm-provenance/instrumentation-common';
import type { MessagePart } from '@llm-provenance/semantic-conventions';
import { partOf, UNKNOWN_FINISH_REASON, type Block } from './content.js';
import { finishReasonOf, providerFinishReasons } from './finish-reasons.js';
import { mergeUsage, tokenUsageOf, type AnthropicUsage } from './usage.js';

/** A content block being streamed: its start block plus what its deltas added. */
interface OpenBlock {
  block: Block;
  text: string;
  json: string;
}

/** A Messages API stream event, as far as it is read here. */
interface StreamEventWire {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string; usage?: AnthropicUsage | null } | null;
  content_block?: Block | null;
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string; stop_reason?: string | null } | null;
  usage?: AnthropicUsage | null;
}

/**
 * Rebuilds the message from Messages API stream events
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming): `message_start` gives id, model and
 * the input usage; `content_block_start` / `content_block_delta` (`text_delta`, `input_json_delta`,
 * `thinking_delta`) / `content_block_stop` build the blocks; `message_delta` gives the stop reason and
 * the cumulative usage. Text is only kept when content is captured.
 */
export class ChatStreamAccumulator implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private stopReason: string | null | undefined;
  private usage: AnthropicUsage | undefined;
  private readonly blocks: OpenBlock[] = [];

  constructor(private readonly captureContent: boolean) {}

  onChunk(value: unknown): void {
    if (!value || typeof value !== 'object') return;
    const event = value as StreamEventWire;
    switch (event.type) {
      case 'message_start': {
        const message: NonNullable<StreamEventWire['message']> = event.message ?? {};
        this.id = message.id;
        this.model = message.model;
        this.usage = mergeUsage(undefined, message.usage);
        break;
      }
      case 'content_block_start':
        if (this.captureContent && typeof event.index === 'number') {
          this.blocks[event.index] = { block: { ...event.content_block }, text: '', json: '' };
        }
        break;
      case 'content_block_delta': {
        const open = this.captureContent && typeof event.index === 'number' ? this.blocks[event.index] : undefined;
        const delta: NonNullable<StreamEventWire['delta']> = event.delta ?? {};
        if (!open) break;
        if (delta.type === 'text_delta') open.text += delta.text ?? '';
        else if (delta.type === 'input_json_delta') open.json += delta.partial_json ?? '';
        else if (delta.type === 'thinking_delta') open.text += delta.thinking ?? '';
        break;
      }
      case 'message_delta':
        if (event.delta && 'stop_reason' in event.delta) this.stopReason = event.delta.stop_reason;
        this.usage = mergeUsage(this.usage, event.usage);
        break;
    }
  }

  /** The final `message_delta` (with the stop reason) arrived: an abort after it cut nothing off. */
  isComplete(): boolean {
    return typeof this.stopReason === 'string';
  }

  result(): GenAIResponse {
    const finishReason = finishReasonOf(this.stopReason);
    return {
      id: this.id,
      model: this.model,
      finishReasons: providerFinishReasons(this.stopReason),
      usage: tokenUsageOf(this.usage),
      outputMessages: this.captureContent ? [{ role: 'assistant', parts: this.parts(), finish_reason: finishReason ?? UNKNOWN_FINISH_REASON }] : undefined,
    };
  }

  private parts(): MessagePart[] {
    const parts: MessagePart[] = [];
    for (const open of this.blocks) {
      if (!open) continue;
      const block = { ...open.block };
      if (block.type === 'text') block.text = (block.text ?? '') + open.text;
      else if (block.type === 'thinking') block.thinking = (block.thinking ?? '') + open.text;
      else if (open.json !== '') block.input = parseJson(open.json);
      const part = partOf(block);
      if (part) parts.push(part);
    }
    return parts;
  }
}

/** Tool input as the object it encodes; a stream cut mid-way leaves the partial JSON text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
