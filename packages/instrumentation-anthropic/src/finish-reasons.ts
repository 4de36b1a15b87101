/**
 * Anthropic `stop_reason` -> the conventions' finish reason of an output message
 * (https://docs.anthropic.com/en/api/messages#response-stop-reason, conventions' FinishReason values).
 * Values the conventions have no name for are kept as Anthropic sends them. `gen_ai.response.finish_reasons`
 * keeps Anthropic's own value (`providerFinishReasons`).
 */
const FINISH_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_call',
  refusal: 'content_filter',
};

export function finishReasonOf(stopReason: unknown): string | undefined {
  if (typeof stopReason !== 'string' || stopReason === '') return undefined;
  return FINISH_REASONS[stopReason] ?? stopReason;
}

/** `gen_ai.response.finish_reasons`: the provider's own `stop_reason` (`end_turn`, `tool_use` ...), as sent. */
export function providerFinishReasons(stopReason: unknown): string[] | undefined {
  return typeof stopReason === 'string' && stopReason !== '' ? [stopReason] : undefined;
}
