import { GenAiOperationName } from '@llm-provenance/semantic-conventions';
import type { TokenUsage } from './pricing.js';

/**
 * Tokens are never silently missing (README "Token usage"): a call that completed without any token
 * count in its response is marked `provenance.usage.unknown`, so "no tokens recorded" always says why.
 * A token count (`count_tokens`) is no generation: it consumes no tokens to report.
 */
export function isUsageUnknown(operationName: string, usage: TokenUsage | undefined): boolean {
  if (operationName === GenAiOperationName.COUNT_TOKENS) return false;
  return !usage || (typeof usage.inputTokens !== 'number' && typeof usage.outputTokens !== 'number');
}
