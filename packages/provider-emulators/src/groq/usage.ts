import type { Scenario } from '../core/types.js';
import { chatUsage, type ChatUsage } from '../openai/usage.js';

/**
 * Groq's usage object (https://console.groq.com/docs/api-reference#chat-create): the OpenAI token counts
 * plus Groq's timings in seconds (`queue_time`, `prompt_time`, `completion_time`, `total_time`). The
 * emulator's timings are fixed values derived from the token counts so tests can predict them.
 */
export interface GroqUsage extends ChatUsage {
  queue_time: number;
  prompt_time: number;
  completion_time: number;
  total_time: number;
}

export function groqUsage(input: number, output: number, scenario: Scenario | undefined): GroqUsage {
  const usage = chatUsage(input, output, scenario);
  const promptTime = usage.prompt_tokens / 1000;
  const completionTime = usage.completion_tokens / 1000;
  return {
    queue_time: 0.001,
    prompt_time: promptTime,
    completion_time: completionTime,
    total_time: promptTime + completionTime,
    ...usage,
  };
}
