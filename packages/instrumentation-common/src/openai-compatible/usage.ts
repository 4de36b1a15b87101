import type { TokenUsage } from '../pricing.js';

/** `usage` of a Chat Completions or legacy completions response (or usage chunk); every field may be missing. */
interface ChatCompletionUsageWire {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek's count of cache reads. */
  prompt_cache_hit_tokens?: number;
}

/**
 * Usage of Chat Completions / legacy completions (cached and reasoning tokens are included in the totals).
 * Cache reads: OpenAI's `prompt_tokens_details.cached_tokens`, or — from servers that speak the format
 * but report the cache their own way — DeepSeek's `prompt_cache_hit_tokens`
 * (https://api-docs.deepseek.com/api/create-chat-completion; also part of `prompt_tokens`). Without it
 * a cache hit would be priced as uncached input.
 */
export function chatCompletionUsage(value: unknown): TokenUsage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const usage = value as ChatCompletionUsageWire;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cacheReadInputTokens: usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens,
    reasoningOutputTokens: usage.completion_tokens_details?.reasoning_tokens,
  };
}
