import type { Scenario } from '../core/types.js';

/** Cached input and reasoning token counts a scenario asks for (0 otherwise). */
export function scenarioTokens(s: Scenario | undefined): { cached: number; reasoning: number } {
  return { cached: s?.kind === 'cache' ? s.read : 0, reasoning: s?.kind === 'reasoning' ? s.tokens : 0 };
}

/**
 * Chat / legacy completions usage (https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage).
 * Reasoning tokens are part of completion_tokens, cached tokens part of prompt_tokens, as in the API.
 */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: { reasoning_tokens: number; audio_tokens: number; accepted_prediction_tokens: number; rejected_prediction_tokens: number };
}

export function chatUsage(input: number, output: number, s: Scenario | undefined): ChatUsage {
  const { cached, reasoning } = scenarioTokens(s);
  const completion = output + reasoning;
  return {
    prompt_tokens: input,
    completion_tokens: completion,
    total_tokens: input + completion,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Responses API usage (https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage). */
export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function responsesUsage(input: number, output: number, s: Scenario | undefined): ResponsesUsage {
  const { cached, reasoning } = scenarioTokens(s);
  const out = output + reasoning;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: out,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + out,
  };
}
