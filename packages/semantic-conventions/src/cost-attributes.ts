/**
 * Cost of a model call. Ours (llm-provenance); the GenAI conventions do not define cost yet, so the names
 * sit under `gen_ai.usage.cost.*`, next to the token counts they are computed from
 * (packages/instrumentation-common/README.md "Cost").
 */

/** Ours. Cost of the call as a double, in {@link ATTR_GEN_AI_USAGE_COST_CURRENCY}. */
export const ATTR_GEN_AI_USAGE_COST_AMOUNT = 'gen_ai.usage.cost.amount';
/** Ours. ISO 4217 currency code of the amount, e.g. "USD". */
export const ATTR_GEN_AI_USAGE_COST_CURRENCY = 'gen_ai.usage.cost.currency';
/** Ours. Where the amount came from (see {@link GenAiCostSource}). */
export const ATTR_GEN_AI_USAGE_COST_SOURCE = 'gen_ai.usage.cost.source';

/** Values of `gen_ai.usage.cost.source`. */
export const GenAiCostSource = {
  /** The provider reported the cost in its response. */
  PROVIDER: 'provider',
  /** Computed from token counts (or call time) and a built-in price of this package. */
  PRICE_TABLE: 'price_table',
  /** Computed from a price the user gave (`LLM_PROVENANCE_PRICE_TABLE` file or `priceTable` option). */
  USER_TABLE: 'user_table',
} as const;
export type GenAiCostSource = (typeof GenAiCostSource)[keyof typeof GenAiCostSource];
