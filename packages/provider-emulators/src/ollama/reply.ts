import { sampleFromSchema } from '../core/json-schema-sample.js';
import { countWords, countWordsIn, truncateWords } from '../core/tokens.js';
import type { RouteContext } from '../core/types.js';

/**
 * What an emulated Ollama model answers, shared by /api/chat and /api/generate. Token counts follow the
 * emulators' word rule; the durations Ollama reports (nanoseconds) are derived from them so tests can
 * predict every number: load 1 ms, prompt evaluation 1 ms per prompt token, generation 2 ms per token.
 * https://github.com/ollama/ollama/blob/main/docs/api.md#response
 */
export interface OllamaPlan {
  text: string;
  thinking?: string;
  toolCalls?: Array<{ function: { name: string; arguments: Record<string, unknown> } }>;
  doneReason: 'stop' | 'length';
  /** Final-chunk metrics; undefined under the `no_usage` scenario. */
  metrics?: OllamaMetrics;
}

export interface OllamaMetrics {
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

export const LOAD_NS = 1_000_000;
export const PROMPT_NS_PER_TOKEN = 1_000_000;
export const EVAL_NS_PER_TOKEN = 2_000_000;

export function metricsFor(promptTokens: number, evalTokens: number): OllamaMetrics {
  const promptNs = promptTokens * PROMPT_NS_PER_TOKEN;
  const evalNs = evalTokens * EVAL_NS_PER_TOKEN;
  return {
    total_duration: LOAD_NS + promptNs + evalNs,
    load_duration: LOAD_NS,
    prompt_eval_count: promptTokens,
    prompt_eval_duration: promptNs,
    eval_count: evalTokens,
    eval_duration: evalNs,
  };
}

/**
 * @param inputTexts every text of the prompt (system + turns), for prompt_eval_count
 * @param echoOf the text the default reply echoes
 */
export function planReply(ctx: RouteContext, inputTexts: string[], echoOf: string): OllamaPlan {
  const body = ctx.body as { format?: unknown; options?: { num_predict?: number } };
  const scenario = ctx.scenario;
  let text = '';
  let toolCalls: OllamaPlan['toolCalls'];
  let thinking: string | undefined;
  let doneReason: OllamaPlan['doneReason'] = 'stop';
  let evalTokens: number;
  if (scenario?.kind === 'tool_call') {
    toolCalls = [{ function: { name: scenario.name, arguments: scenario.arguments } }];
    evalTokens = 1 + countWords(JSON.stringify(scenario.arguments));
  } else {
    const echo = `Echo: ${echoOf}`;
    if (scenario?.kind === 'text') text = scenario.text;
    else if (body.format && typeof body.format === 'object') text = JSON.stringify(sampleFromSchema(body.format, { text: echo, number: 1 }));
    else if (body.format === 'json') text = JSON.stringify({ text: echo });
    else text = echo;
    const limit = body.options?.num_predict;
    // num_predict < 0 means "no limit" in Ollama.
    if (Number.isInteger(limit) && limit! >= 0 && countWords(text) > limit!) {
      text = truncateWords(text, limit!);
      doneReason = 'length';
    }
    evalTokens = countWords(text);
    if (scenario?.kind === 'reasoning') {
      // Ollama returns thinking separately (`think: true`) and counts it in eval_count.
      thinking = Array.from({ length: scenario.tokens }, () => 'hmm').join(' ');
      evalTokens += scenario.tokens;
    }
  }
  const metrics = scenario?.kind === 'no_usage' ? undefined : metricsFor(countWordsIn(inputTexts), evalTokens);
  return { text, thinking, toolCalls, doneReason, metrics };
}
