/**
 * The GenAI calls of a store directory or CAR export, streamed one at a time for `report`,
 * `consistency` and `lineage`: the facts of each `span` record that carries `gen_ai.operation.name` or
 * `gen_ai.provider.name` (a GenAI span, https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/),
 * read from the attributes the instrumentations write (packages/semantic-conventions) and from the
 * resource block (`service.name`). Records are visited as the store holds them (logs by id, records in
 * order); nothing is kept between calls but the resource blocks, one per log.
 */
import {
  ATTR_ENDUSER_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_PROVENANCE_ROUTE_BACKEND,
  ATTR_PROVENANCE_TASK_ID,
  ATTR_PROVENANCE_WORKER_ID,
  ATTR_SERVICE_NAME,
  isModelCallAttributes,
} from '@llm-provenance/semantic-conventions';
import { openSource, type ProvenanceSource } from '../read/source.js';
import { forEachMergedRecord, ResourceReader } from '../query/read-records.js';
import { forEachMergedRow } from '../query/store-index/merged-rows.js';
import { openIndexes, rowAttributes, type IndexMode } from '../query/store-index/store-index.js';
import { nanosToIso, toUnixNanos } from '../query/query.js';
import type { SpanRecord } from '../record.js';

/** What a report can group by, and the attribute each dimension reads. */
export const DIMENSIONS = ['user', 'task', 'worker', 'route', 'provider', 'model', 'operation', 'service', 'day'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** One GenAI span record as the reports see it. */
export interface GenAiCall {
  /** The store or CAR the record is in (where its blocks are). */
  source: ProvenanceSource;
  log: string;
  seq: number;
  /** The record's CID; null when the call comes from an index, which does not keep it. */
  cid: string | null;
  /** The record (from an index: only the attributes the index keeps, ../query/store-index/store-index.ts). */
  record: SpanRecord;
  /** Span start and end, unix nanoseconds. */
  start: bigint;
  end: bigint;
  /** The grouping dimensions' values; null when the record does not say. */
  dims: Record<Dimension, string | null>;
  error: boolean;
  inputCid: string | null;
  paramsCid: string | null;
  outputCid: string | null;
}

/** Filters every report command takes; times are ISO 8601 (since inclusive, until exclusive). */
export interface CallFilter {
  since?: string;
  until?: string;
  provider?: string;
  /** Matches gen_ai.request.model or gen_ai.response.model, as `query --model` does. */
  model?: string;
  user?: string;
  task?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const linkCid = (v: unknown): string | null =>
  v !== null && typeof v === 'object' && typeof (v as { '/': unknown })['/'] === 'string' ? (v as { '/': string })['/'] : null;

/**
 * True for a span record of a model call that the GenAI instrumentations wrote (or any span following the
 * GenAI conventions): a `gen_ai.operation.name` other than an agent, workflow or tool operation, or a
 * `gen_ai.provider.name`. These are the calls report, consistency and the HTML page count.
 */
export function isGenAiRecord(r: SpanRecord): boolean {
  return isModelCallAttributes(r.attributes ?? {});
}

/** Checks a filter's times up front so a bad date is a usage error before anything is read. */
export function filterBounds(filter: CallFilter): { since?: bigint; until?: bigint } {
  return {
    since: filter.since !== undefined ? toUnixNanos(filter.since, '--since') : undefined,
    until: filter.until !== undefined ? toUnixNanos(filter.until, '--until') : undefined,
  };
}

/** How a report reads its stores: through their indexes (../query/store-index) or the logs. */
export interface ReadOptions {
  /**
   * The numeric attributes the caller reads from `call.record.attributes` (default all the index keeps):
   * a call read from an index carries only these, and reading fewer columns is faster.
   */
  numbers?: readonly string[];
  /** `auto` (default): a store's index when it is fresh; `refresh`: rebuild missing or stale ones first; `off`: the logs. */
  index?: IndexMode;
  /** Told why an index was not used (stale), for stderr. */
  note?: (text: string) => void;
}

/** True when a call with these facts passes `filter` (the same test for records and index rows). */
function passes(filter: CallFilter, since: bigint | undefined, until: bigint | undefined, start: bigint, a: Record<string, unknown>): boolean {
  if (since !== undefined && start < since) return false;
  if (until !== undefined && start >= until) return false;
  if (filter.model !== undefined && a[ATTR_GEN_AI_REQUEST_MODEL] !== filter.model && a[ATTR_GEN_AI_RESPONSE_MODEL] !== filter.model) return false;
  if (filter.provider !== undefined && a[ATTR_GEN_AI_PROVIDER_NAME] !== filter.provider) return false;
  if (filter.user !== undefined && a[ATTR_ENDUSER_ID] !== filter.user) return false;
  if (filter.task !== undefined && a[ATTR_PROVENANCE_TASK_ID] !== filter.task) return false;
  return true;
}

const NANOS_PER_DAY = 86_400_000_000_000n;
let lastDay: { n: bigint; text: string } = { n: -1n, text: '' };
/** The UTC date of a time (calls come in time order, so one cached day serves most of them). */
function dayOf(start: bigint): string {
  const n = start / NANOS_PER_DAY;
  if (n !== lastDay.n) lastDay = { n, text: nanosToIso((n * NANOS_PER_DAY).toString()).slice(0, 10) };
  return lastDay.text;
}

function dimsOf(a: Record<string, unknown>, service: string | null, start: bigint): Record<Dimension, string | null> {
  return {
    user: str(a[ATTR_ENDUSER_ID]),
    task: str(a[ATTR_PROVENANCE_TASK_ID]),
    worker: str(a[ATTR_PROVENANCE_WORKER_ID]),
    route: str(a[ATTR_PROVENANCE_ROUTE_BACKEND]),
    provider: str(a[ATTR_GEN_AI_PROVIDER_NAME]),
    model: str(a[ATTR_GEN_AI_RESPONSE_MODEL]) ?? str(a[ATTR_GEN_AI_REQUEST_MODEL]),
    operation: str(a[ATTR_GEN_AI_OPERATION_NAME]),
    service,
    day: dayOf(start),
  };
}

/**
 * Visits every GenAI call of `sources` that passes `filter`, every log of every source merged by span
 * start, then trace id (forEachMergedRecord), read from the stores' indexes when every source has a
 * fresh one, else from the logs: the same calls in the same order either way. `visit` may fetch blocks
 * from `call.source`.
 */
export function forEachCall(
  sources: ProvenanceSource | readonly ProvenanceSource[],
  filter: CallFilter,
  visit: (call: GenAiCall) => void,
  read: ReadOptions = {},
): void {
  const { since, until } = filterBounds(filter);
  const list = Array.isArray(sources) ? (sources as readonly ProvenanceSource[]) : [sources as ProvenanceSource];
  const indexes = openIndexes(list, read);
  if (indexes) {
    try {
      forEachMergedRow(
        indexes,
        (row, source, index) => {
          if (row.genai !== 1) return;
          const a = rowAttributes(row);
          const start = BigInt(row.start);
          if (!passes(filter, since, until, start, a)) return;
          visit({
            source,
            log: index.logs[row.log_no]!.log,
            seq: row.seq,
            cid: null,
            record: { attributes: a } as unknown as SpanRecord,
            start,
            end: BigInt(row.end_),
            dims: dimsOf(a, row.service as string | null, start),
            error: row.error === 1,
            inputCid: row.input_cid as string | null,
            paramsCid: row.params_cid as string | null,
            outputCid: row.output_cid as string | null,
          });
        },
        read.numbers,
      );
    } finally {
      for (const i of indexes) i.index.close();
    }
    return;
  }
  const readers = new Map(list.map((s) => [s, new ResourceReader(s)]));
  forEachMergedRecord(list, (s, source) => {
    if (s.record.type !== 'span') return true;
    const r = s.record;
    if (!isGenAiRecord(r)) return true;
    const a = r.attributes ?? {};
    const start = BigInt(r.start);
    if (!passes(filter, since, until, start, a)) return true;
    const rec = s.record as unknown as Record<string, unknown>;
    visit({
      source,
      log: s.log,
      seq: r.seq,
      cid: s.cid,
      record: r,
      start,
      end: BigInt(r.end),
      dims: dimsOf(a, str(readers.get(source)!.attributes(rec.resource)[ATTR_SERVICE_NAME]), start),
      error: r.status?.code === 'ERROR',
      inputCid: linkCid(rec.input),
      paramsCid: linkCid(rec.params),
      outputCid: linkCid(rec.output),
    });
    return true;
  });
}

/** Opens `path` (store or CAR), runs `read` over it and closes it. */
export function withSource<T>(path: string, read: (source: ProvenanceSource) => T): T {
  const source = openSource(path);
  try {
    return read(source);
  } finally {
    source.close();
  }
}

/** Opens every path (stores or CARs, e.g. one per machine), runs `read` over them and closes them. */
export function withSources<T>(paths: string | readonly string[], read: (sources: ProvenanceSource[]) => T): T {
  const sources: ProvenanceSource[] = [];
  try {
    for (const p of typeof paths === 'string' ? [paths] : paths) sources.push(openSource(p));
    return read(sources);
  } finally {
    for (const s of sources) s.close();
  }
}
