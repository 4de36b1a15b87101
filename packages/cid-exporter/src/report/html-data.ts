/**
 * What the HTML report shows beyond `report` and `consistency`: the calls over time, the slowest and the
 * most expensive calls, and the spans of a few traces for the waterfall. Read in two streamed passes
 * over the source: the GenAI calls (./calls.ts), then the span records of the chosen traces. Memory
 * grows with the time buckets and the spans of the chosen traces, not with the records or the traces:
 * the chosen traces are those of the top calls and the MAX_TRACES most recent ones.
 */
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_PROVENANCE_ROUTE_BACKEND,
} from '@llm-provenance/semantic-conventions';
import { forEachRecord } from '../query/read-records.js';
import { nanosToIso } from '../query/query.js';
import { forEachCall, isGenAiRecord, linkCid, withSources, type CallFilter, type GenAiCall } from './calls.js';

/** Rows in each top-N table. */
export const TOP_CALLS = 10;
/** Traces offered in the waterfall's picker, and spans drawn per trace. */
export const MAX_TRACES = 30;
export const MAX_TRACE_SPANS = 400;
/** Data spanning more than this many hours is bucketed per day rather than per hour. */
export const HOURLY_UP_TO_HOURS = 72;

/** One time bucket of the calls. */
export interface TimeBucket {
  /** Bucket start, ISO 8601 UTC. */
  start: string;
  calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** One call as the top-N tables show it. */
export interface CallRow {
  record_cid: string;
  input_cid: string | null;
  params_cid: string | null;
  output_cid: string | null;
  trace_id: string;
  start: string;
  name: string;
  model: string | null;
  user: string | null;
  task: string | null;
  latency_ms: number;
  /** The recorded cost in `currency`; null when the call recorded none. */
  cost: number | null;
  currency: string | null;
  error: boolean;
}

/** One span of a trace, times in milliseconds from the trace's first span. */
export interface TraceSpan {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_ms: number;
  duration_ms: number;
  error: boolean;
  /** `genai` for a model call, `tool` for a tool execution, `route` for a span that names a route backend, else `span`. */
  category: 'genai' | 'tool' | 'route' | 'span';
  operation: string | null;
  model: string | null;
  tool: string | null;
  route: string | null;
  record_cid: string;
  input_cid: string | null;
  output_cid: string | null;
}

export interface TraceView {
  trace_id: string;
  start: string;
  duration_ms: number;
  /** The name of its root span (the first span without a recorded parent). */
  root: string;
  genai_calls: number;
  spans: TraceSpan[];
  /** Spans left out beyond MAX_TRACE_SPANS. */
  omitted_spans: number;
}

export interface HtmlDetails {
  /** `hour` or `day`. */
  bucket: 'hour' | 'day';
  timeline: TimeBucket[];
  slowest: CallRow[];
  costliest: CallRow[];
  traces: TraceView[];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function callRow(call: GenAiCall): CallRow {
  const a = call.record.attributes ?? {};
  const amount = a[ATTR_GEN_AI_USAGE_COST_AMOUNT];
  const priced = typeof amount === 'number' && Number.isFinite(amount);
  return {
    record_cid: call.cid ?? '',
    input_cid: call.inputCid,
    params_cid: call.paramsCid,
    output_cid: call.outputCid,
    trace_id: call.record.traceId,
    start: nanosToIso(call.record.start),
    name: call.record.name,
    model: call.dims.model,
    user: call.dims.user,
    task: call.dims.task,
    latency_ms: Number(call.end - call.start) / 1e6,
    cost: priced ? amount : null,
    currency: priced ? (str(a[ATTR_GEN_AI_USAGE_COST_CURRENCY])?.toUpperCase() ?? 'XXX') : null,
    error: call.error,
  };
}

/** Keeps the `size` rows ranking highest by `rank`, highest first; ties keep the earlier row. */
class TopRows {
  readonly rows: Array<{ rank: number; row: CallRow }> = [];
  constructor(private readonly size: number) {}
  offer(rank: number, make: () => CallRow): void {
    if (this.rows.length === this.size && rank <= this.rows[this.rows.length - 1]!.rank) return;
    const at = this.rows.findIndex((r) => rank > r.rank);
    this.rows.splice(at < 0 ? this.rows.length : at, 0, { rank, row: make() });
    if (this.rows.length > this.size) this.rows.pop();
  }
}

/** The `size` most recent traces (by the start of their newest GenAI call) seen so far. */
class RecentTraces {
  readonly starts = new Map<string, bigint>();
  /** The oldest start kept, once full. */
  private oldest: { id: string; start: bigint } | null = null;
  constructor(private readonly size: number) {}
  offer(id: string, start: bigint): void {
    const known = this.starts.get(id);
    if (known !== undefined) {
      if (start > known) {
        this.starts.set(id, start);
        if (this.oldest?.id === id) this.oldest = null;
      }
      return;
    }
    if (this.starts.size < this.size) {
      this.starts.set(id, start);
      return;
    }
    this.oldest ??= this.findOldest();
    if (start <= this.oldest.start) return;
    this.starts.delete(this.oldest.id);
    this.starts.set(id, start);
    this.oldest = null;
  }
  private findOldest(): { id: string; start: bigint } {
    let oldest: { id: string; start: bigint } | null = null;
    for (const [id, start] of this.starts) if (oldest === null || start < oldest.start) oldest = { id, start };
    return oldest!;
  }
}

/** The timeline, top calls and traces of the GenAI calls in the stores or CARs at `paths` that pass `filter`. */
export function buildHtmlDetails(paths: string | readonly string[], filter: CallFilter = {}): HtmlDetails {
  const hours = new Map<number, TimeBucket>();
  const slowest = new TopRows(TOP_CALLS);
  const costliest = new TopRows(TOP_CALLS);
  const recent = new RecentTraces(MAX_TRACES);
  // From the logs, never an index: the page shows each call's record CID, name and trace, which an index does not keep.
  withSources(paths, (sources) =>
    forEachCall(
      sources,
      filter,
      (call) => {
        const a = call.record.attributes ?? {};
        const hour = Math.floor(Number(call.start / 1_000_000n) / HOUR_MS) * HOUR_MS;
        let b = hours.get(hour);
        if (!b) hours.set(hour, (b = { start: new Date(hour).toISOString(), calls: 0, errors: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 }));
        b.calls++;
        if (call.error) b.errors++;
        b.input_tokens += num(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]);
        b.output_tokens += num(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]);
        const currency = str(a[ATTR_GEN_AI_USAGE_COST_CURRENCY])?.toUpperCase();
        const amount = a[ATTR_GEN_AI_USAGE_COST_AMOUNT];
        if (currency === 'USD' && typeof amount === 'number' && Number.isFinite(amount)) {
          b.cost_usd += amount;
          costliest.offer(amount, () => callRow(call));
        }
        slowest.offer(Number(call.end - call.start), () => callRow(call));
        recent.offer(call.record.traceId, call.start);
      },
      { index: 'off' },
    ),
  );
  // the traces of the top calls first, then the most recent; ranked again by their GenAI calls once read
  const chosen = new Set([...slowest.rows, ...costliest.rows].map(({ row }) => row.trace_id));
  for (const id of [...recent.starts.entries()].sort(([, x], [, y]) => (y > x ? 1 : y < x ? -1 : 0)).map(([id]) => id)) {
    if (chosen.size >= MAX_TRACES) break;
    chosen.add(id);
  }
  return {
    ...bucketTimeline(hours),
    slowest: slowest.rows.map((r) => r.row),
    costliest: costliest.rows.map((r) => r.row),
    traces: traceViews(paths, [...chosen]),
  };
}

/**
 * Hourly buckets (keyed by their start, unix milliseconds), or daily ones when the data spans more than
 * HOURLY_UP_TO_HOURS, with the empty buckets between filled in.
 */
export function bucketTimeline(hours: Map<number, TimeBucket>): Pick<HtmlDetails, 'bucket' | 'timeline'> {
  if (hours.size === 0) return { bucket: 'hour', timeline: [] };
  const keys = [...hours.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const bucket = (last - first) / HOUR_MS + 1 > HOURLY_UP_TO_HOURS ? 'day' : 'hour';
  const size = bucket === 'day' ? DAY_MS : HOUR_MS;
  const out = new Map<number, TimeBucket>();
  const empty = (t: number): TimeBucket => ({ start: new Date(t).toISOString(), calls: 0, errors: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 });
  for (let t = Math.floor(first / size) * size; t <= last; t += size) out.set(t, empty(t));
  for (const [hour, b] of hours) {
    const into = out.get(Math.floor(hour / size) * size)!;
    into.calls += b.calls;
    into.errors += b.errors;
    into.input_tokens += b.input_tokens;
    into.output_tokens += b.output_tokens;
    into.cost_usd += b.cost_usd;
  }
  return { bucket, timeline: [...out.values()] };
}

function category(a: Record<string, unknown>): TraceSpan['category'] {
  const op = a[ATTR_GEN_AI_OPERATION_NAME];
  if (op === 'execute_tool') return 'tool';
  if (typeof op === 'string') return 'genai';
  if (typeof a[ATTR_PROVENANCE_ROUTE_BACKEND] === 'string') return 'route';
  return 'span';
}

/** Second pass: every span record of the chosen traces, in start order, timed from each trace's start. */
function traceViews(paths: string | readonly string[], chosen: string[]): TraceView[] {
  const wanted = new Map(chosen.map((id) => [id, { calls: 0, spans: [] as Array<{ start: bigint; end: bigint; span: TraceSpan }>, omitted: 0 }]));
  withSources(paths, (sources) =>
    sources.forEach((source) =>
      forEachRecord(source, (s) => {
        if (s.record.type !== 'span') return true;
        const r = s.record;
        const t = wanted.get(r.traceId);
        if (!t) return true;
        if (isGenAiRecord(r)) t.calls++;
        if (t.spans.length >= MAX_TRACE_SPANS) {
          t.omitted++;
          return true;
        }
        const a = r.attributes ?? {};
        const rec = r as unknown as Record<string, unknown>;
        t.spans.push({
          start: BigInt(r.start),
          end: BigInt(r.end),
          span: {
            span_id: r.spanId,
            parent_span_id: r.parentSpanId ?? null,
            name: r.name,
            kind: r.kind,
            start_ms: 0,
            duration_ms: 0,
            error: r.status?.code === 'ERROR',
            category: category(a),
            operation: str(a[ATTR_GEN_AI_OPERATION_NAME]),
            model: str(a[ATTR_GEN_AI_RESPONSE_MODEL]) ?? str(a[ATTR_GEN_AI_REQUEST_MODEL]),
            tool: str(a[ATTR_GEN_AI_TOOL_NAME]),
            route: str(a[ATTR_PROVENANCE_ROUTE_BACKEND]),
            record_cid: s.cid,
            input_cid: linkCid(rec.input),
            output_cid: linkCid(rec.output),
          },
        });
        return true;
      }),
    ),
  );
  const views = chosen.map((id) => {
    const t = wanted.get(id)!;
    t.spans.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
    const start = t.spans[0]!.start;
    const end = t.spans.reduce((m, s) => (s.end > m ? s.end : m), start);
    const ids = new Set(t.spans.map((s) => s.span.span_id));
    const spans = t.spans.map((s) => ({ ...s.span, start_ms: Number(s.start - start) / 1e6, duration_ms: Number(s.end - s.start) / 1e6 }));
    return {
      trace_id: id,
      start: nanosToIso(String(start)),
      duration_ms: Number(end - start) / 1e6,
      root: spans.find((s) => s.parent_span_id === null || !ids.has(s.parent_span_id))!.name,
      genai_calls: t.calls,
      spans,
      omitted_spans: t.omitted,
    };
  });
  // the picker lists the busiest traces first, then the newest
  return views.sort((x, y) => y.genai_calls - x.genai_calls || (y.start > x.start ? 1 : y.start < x.start ? -1 : 0));
}
