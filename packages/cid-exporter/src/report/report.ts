/**
 * `report`: calls, errors, tokens, cost and latency of the GenAI calls in a store or CAR export, grouped
 * by any of the DIMENSIONS. Memory grows with the number of groups, not of records: each group keeps
 * sums and two bounded percentile accumulators (./quantiles.ts).
 *
 * Figures read the GenAI usage attributes (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/)
 * and ours (packages/semantic-conventions): `gen_ai.usage.input_tokens` (cached tokens included, as the
 * convention says), `gen_ai.usage.output_tokens`, `gen_ai.usage.cache_read.input_tokens`,
 * `gen_ai.usage.reasoning.output_tokens`, `gen_ai.usage.cost.amount` in `gen_ai.usage.cost.currency`, and
 * `gen_ai.response.time_to_first_chunk` (seconds, streamed calls only). Latency is the span's duration.
 */
import {
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
} from '@llm-provenance/semantic-conventions';
import { forEachCall, withSources, type CallFilter, type Dimension, type GenAiCall, type ReadOptions } from './calls.js';
import { Quantiles } from './quantiles.js';

/** A cost without a currency is counted under ISO 4217's "no currency" code. */
export const NO_CURRENCY = 'XXX';

/** The figures of one group (and of the totals), in the order `--json` prints them. */
export interface ReportFigures {
  calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  reasoning_tokens: number;
  /** Calls that recorded no cost. */
  unpriced_calls: number;
  /** Sum of USD costs; other currencies follow as `cost_<iso4217 lower case>`. */
  cost_usd: number;
  [cost: `cost_${string}`]: number;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  latency_ms_p99: number | null;
  time_to_first_token_ms_p50: number | null;
  time_to_first_token_ms_p95: number | null;
  time_to_first_token_ms_p99: number | null;
}

/** One group: its `--by` dimensions by name (null when the calls do not say), then its figures. */
export type ReportGroup = Partial<Record<Dimension, string | null>> & ReportFigures;

export interface Report {
  groups: ReportGroup[];
  totals: ReportFigures;
}

export interface ReportOptions extends CallFilter, ReadOptions {
  /** Dimensions to group by, in column order; none gives one group per report (the totals). */
  by?: Dimension[];
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The numeric attributes a Tally reads. */
const TALLY_NUMBERS = [
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
];

/** Running sums of one group. */
class Tally {
  calls = 0;
  errors = 0;
  input = 0;
  output = 0;
  cached = 0;
  reasoning = 0;
  unpriced = 0;
  /** Currency code (upper case) -> sum, in the order first seen. */
  readonly costs = new Map<string, number>();
  readonly latency = new Quantiles();
  readonly ttft = new Quantiles();

  add(call: GenAiCall): void {
    const a = call.record.attributes ?? {};
    this.calls++;
    if (call.error) this.errors++;
    this.input += num(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]);
    this.output += num(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]);
    this.cached += num(a[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]);
    this.reasoning += num(a[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]);
    const amount = a[ATTR_GEN_AI_USAGE_COST_AMOUNT];
    if (typeof amount === 'number' && Number.isFinite(amount)) {
      const currency = typeof a[ATTR_GEN_AI_USAGE_COST_CURRENCY] === 'string' ? a[ATTR_GEN_AI_USAGE_COST_CURRENCY].toUpperCase() : NO_CURRENCY;
      this.costs.set(currency, (this.costs.get(currency) ?? 0) + amount);
    } else this.unpriced++;
    this.latency.add(Number(call.end - call.start) / 1e6);
    const ttft = a[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK];
    if (typeof ttft === 'number' && Number.isFinite(ttft)) this.ttft.add(ttft * 1000);
  }

  figures(currencies: string[]): ReportFigures {
    const out: ReportFigures = {
      calls: this.calls,
      errors: this.errors,
      input_tokens: this.input,
      output_tokens: this.output,
      cached_input_tokens: this.cached,
      reasoning_tokens: this.reasoning,
      unpriced_calls: this.unpriced,
      cost_usd: this.costs.get('USD') ?? 0,
      latency_ms_p50: null,
      latency_ms_p95: null,
      latency_ms_p99: null,
      time_to_first_token_ms_p50: null,
      time_to_first_token_ms_p95: null,
      time_to_first_token_ms_p99: null,
    };
    // other currencies right after cost_usd, so every group has the same keys in the same order
    const ordered: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(out)) {
      ordered[k] = v;
      if (k === 'cost_usd') for (const c of currencies) if (c !== 'USD') ordered[`cost_${c.toLowerCase()}`] = this.costs.get(c) ?? 0;
    }
    for (const p of [50, 95, 99] as const) {
      ordered[`latency_ms_p${p}`] = this.latency.percentile(p);
      ordered[`time_to_first_token_ms_p${p}`] = this.ttft.percentile(p);
    }
    return ordered as unknown as ReportFigures;
  }
}

/** Orders group keys: dimension by dimension, values ascending, calls that do not say (null) last. */
function compareKeys(x: Array<string | null>, y: Array<string | null>): number {
  for (let i = 0; i < x.length; i++) {
    const a = x[i] ?? null;
    const b = y[i] ?? null;
    if (a === b) continue;
    if (a === null) return 1;
    if (b === null) return -1;
    return a < b ? -1 : 1;
  }
  return 0;
}

/** The report over a store directory or CAR export, or over several (e.g. one per machine) as one. */
export function buildReport(path: string | readonly string[], options: ReportOptions = {}): Report {
  const by = options.by ?? [];
  const groups = new Map<string, { key: Array<string | null>; tally: Tally }>();
  const totals = new Tally();
  withSources(path, (sources) =>
    forEachCall(
      sources,
      options,
      (call) => {
        const key = by.map((d) => call.dims[d]);
        const id = JSON.stringify(key);
        let g = groups.get(id);
        if (!g) groups.set(id, (g = { key, tally: new Tally() }));
        g.tally.add(call);
        totals.add(call);
      },
      { ...options, numbers: TALLY_NUMBERS },
    ),
  );
  const currencies = ['USD', ...[...totals.costs.keys()].filter((c) => c !== 'USD').sort()];
  const sorted = [...groups.values()].sort((x, y) => compareKeys(x.key, y.key));
  return {
    groups: sorted.map(({ key, tally }) => {
      const dims: Partial<Record<Dimension, string | null>> = {};
      by.forEach((d, i) => (dims[d] = key[i] ?? null));
      return { ...dims, ...tally.figures(currencies) };
    }),
    totals: totals.figures(currencies),
  };
}

const money = (amount: number, currency: string): string => (currency === 'usd' ? `$${amount.toFixed(8)}` : amount.toFixed(8));
const ms = (v: number | null): string => (v === null ? '-' : v < 10_000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);

/** The report as an aligned table: one row per group, then the totals. */
export function formatReportTable(report: Report, by: Dimension[]): string[] {
  const costKeys = Object.keys(report.totals).filter((k) => k.startsWith('cost_'));
  const header = [
    ...by,
    'calls',
    'errors',
    'tokens in',
    'tokens out',
    'cached in',
    'reasoning',
    ...costKeys.map((k) => `cost ${k.slice(5).toUpperCase()}`),
    'p50',
    'p95',
    'p99',
    'ttft p50',
  ];
  const row = (dims: string[], f: ReportFigures): string[] => [
    ...dims,
    String(f.calls),
    String(f.errors),
    String(f.input_tokens),
    String(f.output_tokens),
    String(f.cached_input_tokens),
    String(f.reasoning_tokens),
    ...costKeys.map((k) => money(f[k as `cost_${string}`] ?? 0, k.slice(5)) + (k === 'cost_usd' && f.unpriced_calls ? ` +${f.unpriced_calls} unpriced` : '')),
    ms(f.latency_ms_p50),
    ms(f.latency_ms_p95),
    ms(f.latency_ms_p99),
    ms(f.time_to_first_token_ms_p50),
  ];
  const rows =
    by.length === 0
      ? []
      : report.groups.map((g) =>
          row(
            by.map((d) => g[d] ?? '-'),
            g,
          ),
        );
  const total = row(
    by.map((_, i) => (i === 0 ? 'total' : '')),
    report.totals,
  );
  if (by.length === 0) {
    total.unshift('total');
    header.unshift('');
  }
  const table = [header, ...rows, total];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const dimsCount = by.length === 0 ? 1 : by.length;
  return table.map((r) =>
    r
      .map((cell, c) => (c < dimsCount ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}
