/**
 * Anthropic `stop_reason` -> GenAI finish reason
 * (https://docs.anthropic.com/en/api/messages#response-stop-reason, conventions' FinishReason values).
 * Values the conventions have no name for are kept as Anthropic sends them.
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
