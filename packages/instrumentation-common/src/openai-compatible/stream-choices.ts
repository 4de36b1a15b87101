import type { Attributes } from '@opentelemetry/api';
import type { OutputMessage } from '@llm-provenance/semantic-conventions';
import type { GenAIResponse } from '../genai-span.js';
import type { TokenUsage } from '../pricing.js';
import type { StreamAccumulator } from '../trace-call.js';
import { jsonArray } from '../json-text.js';
import { chatCompletionUsage } from './usage.js';

/**
 * Per-choice state of an OpenAI wire-format stream: Chat Completions and legacy Completions chunks carry
 * `choices[]` entries that interleave by `index` (https://platform.openai.com/docs/api-reference/chat-streaming).
 */
export class StreamChoices<S extends { finishReason?: string }> {
  private readonly byIndex = new Map<number, S>();

  constructor(private readonly newState: () => S) {}

  /** The state of a chunk's choice entry (index 0 when it has none), created when first seen. */
  of(choice: unknown): S {
    const index = (choice as { index?: unknown } | null | undefined)?.index;
    const key = typeof index === 'number' ? index : 0;
    let state = this.byIndex.get(key);
    if (!state) {
      state = this.newState();
      this.byIndex.set(key, state);
    }
    return state;
  }

  /** Every choice seen has its finish_reason (the optional usage chunk follows right after). */
  allFinished(): boolean {
    if (this.byIndex.size === 0) return false;
    for (const c of this.byIndex.values()) if (c.finishReason === undefined) return false;
    return true;
  }

  /** The states in choice-index order. */
  ordered(): S[] {
    // Nearly every stream has one choice.
    if (this.byIndex.size === 1) return [this.byIndex.values().next().value as S];
    return [...this.byIndex.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
  }
}

/** The finish reasons of `ordered` choices that have one. */
export function finishReasonsOf(ordered: Array<{ finishReason?: string }>): string[] {
  return ordered.map((s) => s.finishReason).filter((r): r is string => typeof r === 'string');
}

/**
 * The fields of a stream chunk the base reads; `C` is the subclass's view of a `choices[]` entry, and
 * a subclass may read more of the chunk in `onChunkExtras`.
 */
export interface ChoiceChunkWire<C = unknown> {
  id?: string;
  model?: string;
  usage?: unknown;
  choices?: C[];
}

/**
 * Accumulates an OpenAI wire-format stream whose chunks carry `id`, `model`, an optional `usage` (the usage
 * chunk of `stream_options.include_usage`) and `choices[]` by index. A subclass reads each choice entry into
 * its state (`onChoice`) and turns a finished state into an output message (`outputMessage`); provider
 * extras come through `onChunkExtras` (every chunk), `responseAttributes` and `requestId`, and a subclass
 * may set `usage` from elsewhere (Groq: `x_groq.usage`).
 */
export abstract class ChoiceStreamAccumulator<S extends { finishReason?: string }, C = unknown> implements StreamAccumulator {
  protected id?: string;
  protected model?: string;
  protected usage?: TokenUsage;
  private readonly choices: StreamChoices<S>;

  constructor(
    protected readonly captureContent: boolean,
    newState: () => S,
  ) {
    this.choices = new StreamChoices(newState);
  }

  onChunk(value: unknown): void {
    if (!value || typeof value !== 'object') return;
    const chunk = value as ChoiceChunkWire<C>;
    this.id ??= chunk.id;
    this.model ??= chunk.model;
    if (chunk.usage) this.usage = chatCompletionUsage(chunk.usage);
    this.onChunkExtras(chunk);
    const choices = chunk.choices;
    if (Array.isArray(choices)) for (const c of choices) this.onChoice(this.choices.of(c), c);
  }

  /** Reads one `choices[]` entry of a chunk into that choice's state. */
  protected abstract onChoice(state: S, choice: C): void;

  /** The output message of one choice (only called when content is captured). */
  protected abstract outputMessage(state: S): OutputMessage;

  /**
   * `JSON.stringify(this.outputMessage(state))`; a subclass may write the text directly for the shapes
   * it knows (json-text.ts).
   */
  protected outputMessageJson(state: S): string {
    return JSON.stringify(this.outputMessage(state));
  }

  /** Provider-specific fields of a chunk; the base reads none. */
  protected onChunkExtras(_chunk: ChoiceChunkWire): void {}

  /** Provider-specific response attributes; the base has none. */
  protected responseAttributes(): Attributes | undefined {
    return undefined;
  }

  /** Provider request id seen in the stream, if any. */
  protected requestId(): string | undefined {
    return undefined;
  }

  /** The output messages in choice-index order as objects (undefined when content is not captured). */
  protected outputMessages(): OutputMessage[] | undefined {
    return this.captureContent ? this.choices.ordered().map((s) => this.outputMessage(s)) : undefined;
  }

  /** Every choice seen has its finish_reason (the optional usage chunk follows right after). */
  isComplete(): boolean {
    return this.choices.allFinished();
  }

  result(): GenAIResponse {
    const ordered = this.choices.ordered();
    const finishReasons: string[] = [];
    const messages: string[] | undefined = this.captureContent ? [] : undefined;
    for (const state of ordered) {
      if (typeof state.finishReason === 'string') finishReasons.push(state.finishReason);
      if (messages) messages.push(this.outputMessageJson(state));
    }
    return {
      id: this.id,
      model: this.model,
      finishReasons,
      usage: this.usage,
      requestId: this.requestId(),
      attributes: this.responseAttributes(),
      outputMessagesJson: messages && jsonArray(messages),
    };
  }
}
