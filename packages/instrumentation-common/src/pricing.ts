import { readFileSync } from 'node:fs';
import { diag, type Attributes } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
  GenAiCostSource,
} from '@llm-provenance/semantic-conventions';
import { BoundedCache } from './bounded-cache.js';
import { BUILTIN_PRICE_TABLE } from './builtin-prices.js';

/** Env var naming a JSON price-table file (same shape as {@link PriceTable}). */
export const ENV_PRICE_TABLE = 'LLM_PROVENANCE_PRICE_TABLE';

/** Prices of one model, per 1M tokens, in `currency` (default USD). */
export interface ModelPrice {
  /** Uncached input tokens. */
  input: number;
  /** Output tokens (reasoning tokens included, as providers bill them). */
  output: number;
  /** Input tokens served from the provider's cache; defaults to `input`. */
  cachedInput?: number;
  /** Input tokens written to the provider's cache; defaults to `input`. */
  cacheCreationInput?: number;
  /** ISO 4217; default 'USD'. */
  currency?: string;
}

/**
 * provider (`gen_ai.provider.name`) -> model -> price. The model key `*` prices every model of that
 * provider not listed explicitly.
 */
export type PriceTable = Record<string, Record<string, ModelPrice>>;

/** Token counts as the GenAI conventions define them: input includes cached, output includes reasoning. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningOutputTokens?: number;
}

/** A computed or reported cost. */
export interface Cost {
  amount: number;
  currency: string;
  source: GenAiCostSource;
}

/**
 * Checks a price table and returns it; throws a TypeError that names the offending entry
 * (`where` says where the table came from, e.g. the file path).
 */
export function validatePriceTable(table: unknown, where = 'price table'): PriceTable {
  if (!table || typeof table !== 'object' || Array.isArray(table)) {
    throw new TypeError(`${where}: expected an object { provider: { model: { input, output } } }`);
  }
  for (const [provider, models] of Object.entries(table as Record<string, unknown>)) {
    if (!models || typeof models !== 'object' || Array.isArray(models)) {
      throw new TypeError(`${where}: "${provider}" must map model names to prices`);
    }
    for (const [model, price] of Object.entries(models as Record<string, unknown>)) {
      const p = price as Record<string, unknown> | null;
      const at = `${where}: ${provider} / ${model}`;
      if (!p || typeof p !== 'object') throw new TypeError(`${at}: expected { input, output }`);
      for (const field of ['input', 'output'] as const) {
        if (typeof p[field] !== 'number' || !Number.isFinite(p[field]) || p[field] < 0) {
          throw new TypeError(`${at}: "${field}" must be a non-negative number (USD per 1M tokens)`);
        }
      }
      for (const field of ['cachedInput', 'cacheCreationInput'] as const) {
        if (p[field] !== undefined && (typeof p[field] !== 'number' || !Number.isFinite(p[field]) || p[field] < 0)) {
          throw new TypeError(`${at}: "${field}" must be a non-negative number when given`);
        }
      }
      if (p.currency !== undefined && (typeof p.currency !== 'string' || !/^[A-Z]{3}$/.test(p.currency))) {
        throw new TypeError(`${at}: "currency" must be an ISO 4217 code such as "USD"`);
      }
    }
  }
  return table as PriceTable;
}

/** Reads and validates a JSON price-table file; throws an error naming the file and the problem. */
export function loadPriceTableFile(path: string): PriceTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${ENV_PRICE_TABLE}: cannot read price table file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${ENV_PRICE_TABLE}: price table file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return validatePriceTable(parsed, `price table file ${path}`);
}

/** Merges tables; later tables override earlier ones per (provider, model). */
export function mergePriceTables(...tables: Array<PriceTable | undefined>): PriceTable {
  const out: PriceTable = {};
  for (const table of tables) {
    if (!table) continue;
    for (const [provider, models] of Object.entries(table)) out[provider] = { ...out[provider], ...models };
  }
  return out;
}

/**
 * The effective price table: built-in, then the file named by `LLM_PROVENANCE_PRICE_TABLE`, then
 * `option` (each overriding the previous per model). A bad option throws (it is the caller's code); a
 * bad env file is reported through OTel diag and skipped, so a typo in the environment cannot stop the
 * application.
 */
export function resolvePriceTable(option?: PriceTable, env: NodeJS.ProcessEnv = process.env): PriceTable {
  const fromOption = option === undefined ? undefined : validatePriceTable(option, 'priceTable option');
  let fromEnv: PriceTable | undefined;
  const path = env[ENV_PRICE_TABLE];
  if (path) {
    try {
      fromEnv = loadPriceTableFile(path);
    } catch (err) {
      diag.error(`${(err as Error).message}; using the built-in prices`);
    }
  }
  return mergePriceTables(BUILTIN_PRICE_TABLE, fromEnv, fromOption);
}

/** Dated snapshot suffixes: -2024-08-06, -20241022, -0125, -latest, -preview-... are tried without. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest)$/;

/**
 * The price of `model` at `provider`: exact model key, then the model with a dated snapshot suffix
 * removed (`gpt-4o-2024-08-06` -> `gpt-4o`, `claude-3-5-sonnet-20241022` -> `claude-3-5-sonnet`), then
 * the provider's `*` entry. Undefined when unknown.
 */
export function lookupPrice(table: PriceTable, provider: string, model: string | undefined): ModelPrice | undefined {
  const models = table[provider];
  if (!models) return undefined;
  if (model) {
    if (Object.hasOwn(models, model)) return models[model];
    const base = model.replace(SNAPSHOT_SUFFIX, '');
    if (base !== model && Object.hasOwn(models, base)) return models[base];
  }
  return Object.hasOwn(models, '*') ? models['*'] : undefined;
}

/**
 * `lookupPrice`, remembered per table, provider and model: the answer never changes for a resolved
 * table (a new configuration resolves a new table), and the snapshot-suffix fallback is a regex.
 */
const PRICES = new WeakMap<PriceTable, Map<string, BoundedCache<string, ModelPrice | null>>>();

/** The last answer of `cachedPrice`: a process usually asks for one model over and over. */
let last: { table: PriceTable; provider: string; model: string | undefined; price: ModelPrice | undefined } | undefined;

export function cachedPrice(table: PriceTable, provider: string, model: string | undefined): ModelPrice | undefined {
  if (last !== undefined && last.table === table && last.provider === provider && last.model === model) return last.price;
  const price = cachedPriceOf(table, provider, model);
  last = { table, provider, model, price };
  return price;
}

function cachedPriceOf(table: PriceTable, provider: string, model: string | undefined): ModelPrice | undefined {
  let byProvider = PRICES.get(table);
  if (!byProvider) PRICES.set(table, (byProvider = new Map<string, BoundedCache<string, ModelPrice | null>>()));
  let byModel = byProvider.get(provider);
  if (!byModel) byProvider.set(provider, (byModel = new BoundedCache(256)));
  const key = model ?? '';
  let price = byModel.get(key);
  if (price === undefined) price = byModel.set(key, lookupPrice(table, provider, model) ?? null);
  return price ?? undefined;
}

/**
 * Cost of a call from its token usage. Cached input tokens are part of `inputTokens` (conventions) and
 * are billed at `cachedInput`; cache-creation tokens at `cacheCreationInput`; the rest at `input`.
 * Undefined when the price or the token counts are unknown (unknown is not 0).
 */
export function computeCost(price: ModelPrice | undefined, usage: TokenUsage | undefined): Cost | undefined {
  if (!price || !usage) return undefined;
  const { inputTokens, outputTokens } = usage;
  if (typeof inputTokens !== 'number' && typeof outputTokens !== 'number') return undefined;
  const input = inputTokens ?? 0;
  const cached = Math.min(usage.cacheReadInputTokens ?? 0, input);
  const created = Math.min(usage.cacheCreationInputTokens ?? 0, input - cached);
  const plain = input - cached - created;
  const micros =
    plain * price.input +
    cached * (price.cachedInput ?? price.input) +
    created * (price.cacheCreationInput ?? price.input) +
    (outputTokens ?? 0) * price.output;
  // Round away binary noise (0.1 + 0.2) at 12 decimal places, far below a billing unit.
  const amount = Math.round((micros / 1_000_000) * 1e12) / 1e12;
  return { amount, currency: price.currency ?? 'USD', source: GenAiCostSource.PRICE_TABLE };
}

/** The cost attributes (`gen_ai.usage.cost.*`) of `cost`, or {} for none. */
export function costAttributes(cost: Cost | undefined): Attributes {
  if (!cost) return {};
  return {
    [ATTR_GEN_AI_USAGE_COST_AMOUNT]: cost.amount,
    [ATTR_GEN_AI_USAGE_COST_CURRENCY]: cost.currency,
    [ATTR_GEN_AI_USAGE_COST_SOURCE]: cost.source,
  };
}
