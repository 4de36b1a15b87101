import type { TokenUsage } from '../pricing.js';

/**
 * Usage of Chat Completions / legacy completions (cached and reasoning tokens are included in the totals).
 * Cache reads: OpenAI's `prompt_tokens_details.cached_tokens`, or — from servers that speak the format
 * but report the cache their own way — DeepSeek's `prompt_cache_hit_tokens`
 * (https://api-docs.deepseek.com/api/create-chat-completion; also part of `prompt_tokens`). Without it
 * a cache hit would be priced as uncached input.
 */
export function chatCompletionUsage(usage: any): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cacheReadInputTokens: usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens,
    reasoningOutputTokens: usage.completion_tokens_details?.reasoning_tokens,
  };
}
