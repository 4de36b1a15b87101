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

/**
 * Prices of one model, in `currency` (default USD): per 1M tokens (`input` and `output`, both or
 * neither), per hour of call time (`perHour`, for a dedicated server billed by the hour), or both (the
 * costs add up). `input: 0, output: 0` prices a model as free (a local or self-hosted model).
 */
export interface ModelPrice {
  /** Uncached input tokens, per 1M. */
  input?: number;
  /** Output tokens (reasoning tokens included, as providers bill them), per 1M. */
  output?: number;
  /** Input tokens served from the provider's cache, per 1M; defaults to `input`. */
  cachedInput?: number;
  /** Input tokens written to the provider's cache, per 1M; defaults to `input`. */
  cacheCreationInput?: number;
  /**
   * Per hour of call time, for a server billed by the hour: a call costs its duration (request to last
   * byte of the response) times this rate. Calls that overlap each pay for their own time.
   */
  perHour?: number;
  /** ISO 4217; default 'USD'. */
  currency?: string;
  /** When the price was taken from `source` (`YYYY-MM` or `YYYY-MM-DD`). Every built-in price has one. */
  asOf?: string;
  /** Where the price was taken from (a pricing page's URL, a contract, ...). Every built-in price has one. */
  source?: string;
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
      if (!p || typeof p !== 'object' || Array.isArray(p)) throw new TypeError(`${at}: expected { input, output } or { perHour }`);
      const tokenPriced = p.input !== undefined || p.output !== undefined;
      if (!tokenPriced && p.perHour === undefined) {
        throw new TypeError(`${at}: needs "input" and "output" (per 1M tokens), "perHour", or both`);
      }
      if (tokenPriced) {
        for (const field of ['input', 'output'] as const) {
          if (!isPrice(p[field])) throw new TypeError(`${at}: "${field}" must be a non-negative number (per 1M tokens)`);
        }
      }
      for (const field of ['cachedInput', 'cacheCreationInput', 'perHour'] as const) {
        if (p[field] !== undefined && !isPrice(p[field])) throw new TypeError(`${at}: "${field}" must be a non-negative number when given`);
      }
      if (!tokenPriced && (p.cachedInput !== undefined || p.cacheCreationInput !== undefined)) {
        throw new TypeError(`${at}: "cachedInput" and "cacheCreationInput" need "input" and "output"`);
      }
      if (p.currency !== undefined && (typeof p.currency !== 'string' || !/^[A-Z]{3}$/.test(p.currency))) {
        throw new TypeError(`${at}: "currency" must be an ISO 4217 code such as "USD"`);
      }
      if (p.asOf !== undefined && (typeof p.asOf !== 'string' || !/^\d{4}-\d{2}(-\d{2})?$/.test(p.asOf))) {
        throw new TypeError(`${at}: "asOf" must be a date such as "2025-08" or "2025-08-14"`);
      }
      if (p.source !== undefined && typeof p.source !== 'string') throw new TypeError(`${at}: "source" must be a string`);
    }
  }
  return table as PriceTable;
}

function isPrice(value: unknown): boolean {
  // NaN or Infinity would make every cost NaN (or Infinity) instead of failing where the table is given.
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
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

/** The prices that came from the user (file or option): their costs say `user_table`. */
const USER_PRICES = new WeakSet<ModelPrice>();

/**
 * A copy of a user's table whose every entry is marked as the user's. Copied, so that an entry the user
 * reuses from `BUILTIN_PRICE_TABLE` (a spread of it, say) is marked in the user's table only.
 */
function userTable(table: PriceTable | undefined): PriceTable | undefined {
  if (!table) return undefined;
  const out: PriceTable = {};
  for (const [provider, models] of Object.entries(table)) {
    out[provider] = {};
    for (const [model, price] of Object.entries(models)) {
      const copy = { ...price };
      USER_PRICES.add(copy);
      out[provider][model] = copy;
    }
  }
  return out;
}

/**
 * The effective price table: built-in, then the file named by `LLM_PROVENANCE_PRICE_TABLE`, then
 * `option` (each overriding the previous per model). A bad option throws (it is the caller's code); a
 * bad env file is reported through OTel diag and skipped, so a typo in the environment cannot stop the
 * application. Costs computed from the file's or the option's entries say `user_table`.
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
  return mergePriceTables(BUILTIN_PRICE_TABLE, userTable(fromEnv), userTable(fromOption));
}

/**
 * Dated snapshot and version suffixes, tried without: OpenAI's `-2024-08-06` and `-0125`, Anthropic's
 * `-20241022`, Gemini's stable versions `-001` / `-002`, and `-latest` aliases.
 */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{3}|latest)$/;

/** Gemini's resource-name form of a model, `models/gemini-2.5-flash`, is priced as the bare name. */
const MODEL_RESOURCE_PREFIX = 'models/';

/**
 * The price of `model` at `provider`: exact model key, then the model with a dated snapshot suffix
 * removed (`gpt-4o-mini-2024-07-18` -> `gpt-4o-mini`, `claude-3-5-sonnet-20241022` ->
 * `claude-3-5-sonnet`, `gemini-2.0-flash-001` -> `gemini-2.0-flash`), each also without a leading
 * `models/`, then the provider's `*` entry. Undefined when unknown.
 */
export function lookupPrice(table: PriceTable, provider: string, model: string | undefined): ModelPrice | undefined {
  const models = table[provider];
  if (!models) return undefined;
  // A malformed response can name its model with anything: only a string names one.
  if (typeof model === 'string' && model !== '') {
    if (Object.hasOwn(models, model)) return models[model];
    const bare = model.startsWith(MODEL_RESOURCE_PREFIX) ? model.slice(MODEL_RESOURCE_PREFIX.length) : model;
    if (bare !== model && Object.hasOwn(models, bare)) return models[bare];
    const base = bare.replace(SNAPSHOT_SUFFIX, '');
    if (base !== bare && Object.hasOwn(models, base)) return models[base];
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
 * Cost of a call from its token usage and, for a price per hour, its duration. Cached input tokens are
 * part of `inputTokens` (conventions) and are billed at `cachedInput`; cache-creation tokens at
 * `cacheCreationInput`; the rest at `input`. Undefined when the price, or what it is charged on (token
 * counts for a token price, the duration for an hourly one), is unknown: unknown is not 0.
 */
export function computeCost(price: ModelPrice | undefined, usage: TokenUsage | undefined, durationSeconds?: number): Cost | undefined {
  if (!price) return undefined;
  let micros = 0;
  if (price.input !== undefined && price.output !== undefined) {
    if (!usage) return undefined;
    const { inputTokens, outputTokens } = usage;
    if (typeof inputTokens !== 'number' && typeof outputTokens !== 'number') return undefined;
    const input = inputTokens ?? 0;
    const cached = Math.min(usage.cacheReadInputTokens ?? 0, input);
    const created = Math.min(usage.cacheCreationInputTokens ?? 0, input - cached);
    const plain = input - cached - created;
    micros +=
      plain * price.input +
      cached * (price.cachedInput ?? price.input) +
      created * (price.cacheCreationInput ?? price.input) +
      (outputTokens ?? 0) * price.output;
  }
  if (price.perHour !== undefined) {
    if (typeof durationSeconds !== 'number' || !Number.isFinite(durationSeconds) || durationSeconds < 0) return undefined;
    micros += (durationSeconds / 3600) * price.perHour * 1_000_000;
  }
  // Round away binary noise (0.1 + 0.2) at 12 decimal places, far below a billing unit.
  const amount = Math.round((micros / 1_000_000) * 1e12) / 1e12;
  return { amount, currency: price.currency ?? 'USD', source: USER_PRICES.has(price) ? GenAiCostSource.USER_TABLE : GenAiCostSource.PRICE_TABLE };
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
