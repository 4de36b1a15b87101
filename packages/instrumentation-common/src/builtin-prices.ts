import type { ModelPrice, PriceTable } from './pricing.js';

/** Token prices as a pricing page lists them: per 1M tokens. */
type ListedPrice = Required<Pick<ModelPrice, 'input' | 'output'>> & Pick<ModelPrice, 'cachedInput' | 'cacheCreationInput'>;

/** The models of one pricing page, each stamped with the page and the date it was read. */
function listed(asOf: string, source: string, models: Record<string, ListedPrice>): Record<string, ModelPrice> {
  const out: Record<string, ModelPrice> = {};
  for (const [model, price] of Object.entries(models)) out[model] = Object.freeze({ ...price, asOf, source });
  return out;
}

/** When the built-in prices below were transcribed from their sources. */
const TRANSCRIBED = '2025-08';

/**
 * Built-in list prices, USD per 1M tokens (standard tier, text, short context where prices are tiered),
 * each entry carrying its source page and the date it was read (`asOf`, `source`). Prices change:
 * override or extend with the `priceTable` option or `LLM_PROVENANCE_PRICE_TABLE=/path/prices.json`
 * (costs priced from those say `gen_ai.usage.cost.source` = `user_table`).
 * - anthropic: cacheCreationInput = the 5-minute cache write price.
 * - gcp.gemini: paid tier, prompts <= 200k / 128k tokens.
 * - deepseek: cachedInput = the cache-hit price.
 * - ollama runs locally: every model costs 0 unless the user prices it.
 * - self-hosted servers (vLLM, TGI, TEI, OpenVINO Model Server, ...) have no built-in price: their cost
 *   is unknown until the user prices them (per token, per hour, or 0).
 * Model keys are matched exactly, then with a dated snapshot suffix removed (see `lookupPrice`).
 */
export const BUILTIN_PRICE_TABLE: PriceTable = {
  openai: listed(TRANSCRIBED, 'https://openai.com/api/pricing/', {
    'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
    'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
    'gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
    'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
    'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
    'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
    'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
    'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
    'gpt-4-turbo': { input: 10, output: 30 },
    'gpt-4': { input: 30, output: 60 },
    'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
    'gpt-3.5-turbo-instruct': { input: 1.5, output: 2 },
    o1: { input: 15, cachedInput: 7.5, output: 60 },
    'o1-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
    o3: { input: 2, cachedInput: 0.5, output: 8 },
    'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
    'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
    'davinci-002': { input: 2, output: 2 },
    'babbage-002': { input: 0.4, output: 0.4 },
    'text-embedding-3-small': { input: 0.02, output: 0 },
    'text-embedding-3-large': { input: 0.13, output: 0 },
    'text-embedding-ada-002': { input: 0.1, output: 0 },
  }),
  anthropic: listed(TRANSCRIBED, 'https://docs.anthropic.com/en/docs/about-claude/pricing', {
    'claude-opus-4-1': { input: 15, cachedInput: 1.5, cacheCreationInput: 18.75, output: 75 },
    'claude-opus-4': { input: 15, cachedInput: 1.5, cacheCreationInput: 18.75, output: 75 },
    'claude-sonnet-4': { input: 3, cachedInput: 0.3, cacheCreationInput: 3.75, output: 15 },
    'claude-3-7-sonnet': { input: 3, cachedInput: 0.3, cacheCreationInput: 3.75, output: 15 },
    'claude-3-5-sonnet': { input: 3, cachedInput: 0.3, cacheCreationInput: 3.75, output: 15 },
    'claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, cacheCreationInput: 1, output: 4 },
    'claude-3-opus': { input: 15, cachedInput: 1.5, cacheCreationInput: 18.75, output: 75 },
    'claude-3-haiku': { input: 0.25, cachedInput: 0.03, cacheCreationInput: 0.3, output: 1.25 },
  }),
  'gcp.gemini': listed(TRANSCRIBED, 'https://ai.google.dev/gemini-api/docs/pricing', {
    'gemini-2.5-pro': { input: 1.25, cachedInput: 0.31, output: 10 },
    'gemini-2.5-flash': { input: 0.3, cachedInput: 0.075, output: 2.5 },
    'gemini-2.5-flash-lite': { input: 0.1, cachedInput: 0.025, output: 0.4 },
    'gemini-2.0-flash': { input: 0.1, cachedInput: 0.025, output: 0.4 },
    'gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
    'gemini-1.5-pro': { input: 1.25, output: 5 },
    'gemini-1.5-flash': { input: 0.075, output: 0.3 },
  }),
  groq: listed(TRANSCRIBED, 'https://groq.com/pricing', {
    'llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
    'llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
    'gemma2-9b-it': { input: 0.2, output: 0.2 },
  }),
  deepseek: listed(TRANSCRIBED, 'https://api-docs.deepseek.com/quick_start/pricing', {
    'deepseek-chat': { input: 0.27, cachedInput: 0.07, output: 1.1 },
    'deepseek-reasoner': { input: 0.55, cachedInput: 0.14, output: 2.19 },
  }),
  mistral_ai: listed(TRANSCRIBED, 'https://mistral.ai/pricing#api-pricing', {
    'mistral-large-latest': { input: 2, output: 6 },
    'mistral-small-latest': { input: 0.1, output: 0.3 },
  }),
  x_ai: listed(TRANSCRIBED, 'https://docs.x.ai/docs/models', {
    'grok-3': { input: 3, output: 15 },
    'grok-3-mini': { input: 0.3, output: 0.5 },
  }),
  ollama: listed(TRANSCRIBED, 'https://ollama.com (models run on your own machine: no per-token charge)', {
    '*': { input: 0, output: 0 },
  }),
};
