import type { TokenUsage } from '@llm-provenance/instrumentation-common';

/** The usage fields of an Anthropic `message` / `message_delta` that the conventions need. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/**
 * Anthropic reports only the UNCACHED input in `input_tokens`, and the cache reads and writes beside it
 * (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance).
 * The GenAI conventions define `gen_ai.usage.input_tokens` as ALL input tokens, so it is the sum, and
 * the cache attributes carry the parts.
 */
export function tokenUsageOf(usage: AnthropicUsage | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const uncached = count(usage.input_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheCreation = count(usage.cache_creation_input_tokens);
  const out: TokenUsage = {};
  if (uncached !== undefined || cacheRead !== undefined || cacheCreation !== undefined) {
    out.inputTokens = (uncached ?? 0) + (cacheRead ?? 0) + (cacheCreation ?? 0);
  }
  const output = count(usage.output_tokens);
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cacheReadInputTokens = cacheRead;
  if (cacheCreation !== undefined) out.cacheCreationInputTokens = cacheCreation;
  return out;
}

/**
 * Folds a `message_delta` usage over the `message_start` one: the delta's counts are cumulative and win
 * where present (https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types); null or
 * absent fields keep the earlier value.
 */
export function mergeUsage(base: AnthropicUsage | undefined, delta: AnthropicUsage | null | undefined): AnthropicUsage | undefined {
  if (!delta || typeof delta !== 'object') return base;
  const merged: AnthropicUsage = { ...base };
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
    const value = count(delta[key]);
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
