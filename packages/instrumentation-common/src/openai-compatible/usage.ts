import type { TokenUsage } from '../pricing.js';

/** Usage of Chat Completions / legacy completions (cached and reasoning tokens are included in the totals). */
export function chatCompletionUsage(usage: any): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    cacheReadInputTokens: usage.prompt_tokens_details?.cached_tokens,
    reasoningOutputTokens: usage.completion_tokens_details?.reasoning_tokens,
  };
}
