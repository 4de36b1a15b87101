/**
 * `queryStore(path, filter)`: span records of a store directory or CAR export matching every given
 * criterion, newest first. Criteria match the attributes the instrumentations put on spans:
 * gen_ai.request.model / gen_ai.response.model, gen_ai.provider.name, gen_ai.operation.name, and the
 * attribution (enduser.id, provenance.task.id, provenance.worker.id, provenance.route.backend; see
 * packages/instrumentation-common/README.md "Attribution"). `dropped` records (spans the exporter had to drop)
 * match no filter; `query` also returns how many spans each log recorded as dropped.
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
} from '@llm-provenance/semantic-conventions';
import { decodeDagJson } from '../dag-json/index.js';
import type { SpanRecord } from '../record.js';
import { openSource, type ProvenanceSource } from '../read/source.js';
import { linkCid, payloadLinks } from './payload-links.js';
import { forEachMergedRecord, ResourceReader, type StoredRecord } from './read-records.js';
import { queryIndex } from './store-index/index-query.js';
import { openIndexes, type IndexMode } from './store-index/store-index.js';

export interface QueryFilter {
  /** Matches gen_ai.request.model or gen_ai.response.model. */
  model?: string;
  /** gen_ai.provider.name. */
  provider?: string;
  /** gen_ai.operation.name. */
  operation?: string;
  /** enduser.id. */
  user?: string;
  /** provenance.task.id. */
  task?: string;
  /** provenance.worker.id. */
  worker?: string;
  /** provenance.route.backend. */
  route?: string;
  /** 32 hex digits (case-insensitive). */
  traceId?: string;
  /** Span start at or after this time (Date, ISO 8601 string, or unix nanoseconds as bigint). */
  since?: Date | string | bigint;
  /** Span start strictly before this time. */
  until?: Date | string | bigint;
  /** `error` = status ERROR; `ok` = anything else (OK or UNSET). */
  status?: 'ok' | 'error';
  /** The record's input block CID, or the CID of any payload block that input block links. */
  inputCid?: string;
  /** The record's output block CID, or the CID of any payload block that output block links. */
  outputCid?: string;
  /** At most this many results (newest first). */
  limit?: number;
}

export interface QueryResult {
  log: string;
  seq: number;
  /** Record CID. */
  cid: string;
  /** Store-relative log file, or the CAR file. */
  file: string;
  /** 1-based line in the log file (store), or the section index in the CAR. */
  line?: number;
  section?: number;
  /** Span start as ISO 8601 with nanoseconds, e.g. 2026-11-26T15:48:32.123456789Z. */
  time: string;
  start: string;
  end: string;
  traceId: string;
  spanId: string;
  name: string;
  model: string | null;
  provider: string | null;
  operation: string | null;
  /** `error` when the span's status is ERROR, else `ok` (OTel's OK and UNSET): the `--status` filter's words. */
  status: 'ok' | 'error';
  /** The span status description, e.g. the error message, or null. */
  statusMessage: string | null;
  inputCid: string | null;
  outputCid: string | null;
  /** The resource attributes the record links (e.g. service.name). */
  resource: Record<string, unknown>;
  record: SpanRecord;
  /**
   * With `{ payloads: true }`: each payload attribute of the input and output blocks (e.g.
   * gen_ai.input.messages) to its stored bytes as UTF-8 text; null when the record has no such block,
   * `{}` when the block is missing or damaged (run verify).
   */
  payloads?: { input: Record<string, string> | null; output: Record<string, string> | null };
}

export interface QueryOptions {
  /** Read the results' payload blocks into `payloads` (prompts and outputs). */
  payloads?: boolean;
  /**
   * `auto` (default): answer from the stores' indexes when every one has a fresh index
   * (./store-index/store-index.ts); `refresh`: rebuild missing or stale ones first; `off`: read the logs.
   * `inputCid` / `outputCid` filters always read the logs.
   */
  index?: IndexMode;
  /** Told why an index was not used (stale), for stderr. */
  note?: (text: string) => void;
}

/** Spans a log recorded as dropped by the exporter (under back-pressure): they have no records. */
export interface DropSummary {
  log: string;
  /** Sum of the `dropped` records' counts. */
  spans: number;
  /** Number of `dropped` records. */
  records: number;
}

export interface QueryOutcome {
  results: QueryResult[];
  /** How many records matched before `limit` was applied. */
  matched: number;
  /** Logs that recorded dropped spans, in log order. */
  dropped: DropSummary[];
}

/** Unix nanoseconds from a Date, ISO string or bigint; throws naming the bad value. */
export function toUnixNanos(value: Date | string | bigint, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error(`${what}: invalid Date`);
    return BigInt(value.getTime()) * 1_000_000n;
  }
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  const ms = Date.parse(value);
  if (!m && Number.isNaN(ms)) throw new Error(`${what}: ${JSON.stringify(value)} is not an ISO 8601 time`);
  if (!m) return BigInt(ms) * 1_000_000n;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(whole)) throw new Error(`${what}: ${JSON.stringify(value)} is not an ISO 8601 time`);
  return BigInt(whole) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** ISO 8601 with all nine fractional digits of a unix-nanosecond decimal string. */
export function nanosToIso(ns: string): string {
  const n = BigInt(ns);
  const secs = n / 1_000_000_000n;
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function validate(filter: QueryFilter): void {
  if (filter.status !== undefined && filter.status !== 'ok' && filter.status !== 'error') {
    throw new Error(`status: ${JSON.stringify(filter.status)} is neither "ok" nor "error"`);
  }
  if (filter.limit !== undefined && (!Number.isSafeInteger(filter.limit) || filter.limit < 0)) {
    throw new Error(`limit: ${JSON.stringify(filter.limit)} is not a non-negative integer`);
  }
  if (filter.traceId !== undefined && !/^[0-9a-fA-F]{32}$/.test(filter.traceId)) {
    throw new Error(`traceId: ${JSON.stringify(filter.traceId)} is not 32 hex digits`);
  }
}

/** The CIDs a payload link stands for: the input/output block and every block it links. */
function payloadCids(source: ProvenanceSource, block: string | null, cache: Map<string, Set<string>>): Set<string> {
  if (!block) return new Set();
  let out = cache.get(block);
  if (out) return out;
  out = new Set([block]);
  const bytes = source.block(block);
  if (bytes) {
    try {
      const map = decodeDagJson(bytes);
      if (map !== null && typeof map === 'object') for (const v of Object.values(map)) if (linkCid(v)) out.add(linkCid(v)!);
    } catch {
      // a block that does not decode links nothing
    }
  }
  cache.set(block, out);
  return out;
}

/** Newest first: span start descending, then log and seq descending. */
function newestFirst(x: QueryResult, y: QueryResult): number {
  if (x.start !== y.start) {
    const dx = BigInt(x.start);
    const dy = BigInt(y.start);
    if (dx !== dy) return dx > dy ? -1 : 1;
  }
  if (x.log !== y.log) return x.log > y.log ? -1 : 1;
  return y.seq - x.seq;
}

/**
 * Span records matching `filter` in a store directory or CAR export (or several: every log of every one,
 * e.g. one store per machine), newest first, with drop counts. With `limit`, at most twice that many
 * results are held while reading (cut back to the newest `limit` whenever it fills), so memory is bounded
 * by the limit, not by the matches.
 */
export function query(path: string | readonly string[], filter: QueryFilter = {}, options: QueryOptions = {}): QueryOutcome {
  validate(filter);
  const since = filter.since !== undefined ? toUnixNanos(filter.since, 'since') : undefined;
  const until = filter.until !== undefined ? toUnixNanos(filter.until, 'until') : undefined;
  const sources: ProvenanceSource[] = [];
  const results: QueryResult[] = [];
  const from = new Map<QueryResult, ProvenanceSource>();
  const dropped = new Map<string, DropSummary>();
  const count = { matched: 0 };
  const limit = filter.limit;
  const cut = (): void => {
    results.sort(newestFirst);
    for (const r of results.splice(limit!)) from.delete(r);
  };
  try {
    for (const p of typeof path === 'string' ? [path] : path) sources.push(openSource(p));
    const readers = new Map(sources.map((s) => [s, { resources: new ResourceReader(s), payloads: new Map<string, Set<string>>() }]));
    const matches = (source: ProvenanceSource, r: SpanRecord): boolean => {
      const payloads = readers.get(source)!.payloads;
      const a = r.attributes ?? {};
      if (filter.model !== undefined && a[ATTR_GEN_AI_REQUEST_MODEL] !== filter.model && a[ATTR_GEN_AI_RESPONSE_MODEL] !== filter.model) return false;
      if (filter.provider !== undefined && a[ATTR_GEN_AI_PROVIDER_NAME] !== filter.provider) return false;
      if (filter.operation !== undefined && a[ATTR_GEN_AI_OPERATION_NAME] !== filter.operation) return false;
      if (filter.user !== undefined && a[ATTR_ENDUSER_ID] !== filter.user) return false;
      if (filter.task !== undefined && a[ATTR_PROVENANCE_TASK_ID] !== filter.task) return false;
      if (filter.worker !== undefined && a[ATTR_PROVENANCE_WORKER_ID] !== filter.worker) return false;
      if (filter.route !== undefined && a[ATTR_PROVENANCE_ROUTE_BACKEND] !== filter.route) return false;
      if (filter.traceId !== undefined && r.traceId !== filter.traceId.toLowerCase()) return false;
      if (since !== undefined && BigInt(r.start) < since) return false;
      if (until !== undefined && BigInt(r.start) >= until) return false;
      if (filter.status === 'error' && r.status?.code !== 'ERROR') return false;
      if (filter.status === 'ok' && r.status?.code === 'ERROR') return false;
      if (filter.inputCid !== undefined && !payloadCids(source, linkCid(r.input), payloads).has(filter.inputCid)) return false;
      if (filter.outputCid !== undefined && !payloadCids(source, linkCid(r.output), payloads).has(filter.outputCid)) return false;
      return true;
    };
    const toResult = (s: StoredRecord, source: ProvenanceSource): QueryResult => {
      const r = s.record as SpanRecord;
      const rec = s.record as unknown as Record<string, unknown>;
      const a = r.attributes ?? {};
      return {
        log: s.log,
        seq: r.seq,
        cid: s.cid,
        file: s.file,
        ...(s.line !== undefined ? { line: s.line } : { section: s.section }),
        time: nanosToIso(r.start),
        start: r.start,
        end: r.end,
        traceId: r.traceId,
        spanId: r.spanId,
        name: r.name,
        model: str(a[ATTR_GEN_AI_RESPONSE_MODEL]) ?? str(a[ATTR_GEN_AI_REQUEST_MODEL]),
        provider: str(a[ATTR_GEN_AI_PROVIDER_NAME]),
        operation: str(a[ATTR_GEN_AI_OPERATION_NAME]),
        status: r.status.code === 'ERROR' ? 'error' : 'ok',
        statusMessage: str(r.status.message),
        inputCid: linkCid(r.input),
        outputCid: linkCid(r.output),
        resource: readers.get(source)!.resources.attributes(rec.resource),
        record: r,
      };
    };
    const add = (result: QueryResult, source: ProvenanceSource): void => {
      results.push(result);
      from.set(result, source);
      if (limit !== undefined && results.length >= 2 * limit + 64) cut();
    };
    const indexes = filter.inputCid === undefined && filter.outputCid === undefined ? openIndexes(sources, options) : undefined;
    if (indexes) {
      try {
        for (const { source, index } of indexes) {
          count.matched += queryIndex(
            index,
            filter,
            since,
            until,
            (s) => add(toResult(s, source), source),
            (d) => dropped.set(d.log, d),
          );
        }
      } finally {
        for (const i of indexes) i.index.close();
      }
    } else {
      forEachMergedRecord(sources, (s: StoredRecord, source) => {
        const rec = s.record as unknown as Record<string, unknown>;
        if (rec.type === 'dropped') {
          const d = dropped.get(s.log) ?? { log: s.log, spans: 0, records: 0 };
          d.spans += Number.isSafeInteger(rec.count) ? (rec.count as number) : 0;
          d.records++;
          dropped.set(s.log, d);
          return true;
        }
        if (rec.type !== 'span') return true;
        if (!matches(source, s.record as SpanRecord)) return true;
        count.matched++;
        add(toResult(s, source), source);
        return true;
      });
    }
    if (limit !== undefined) cut();
    else results.sort(newestFirst);
    if (options.payloads)
      for (const r of results) r.payloads = { input: readPayloads(from.get(r)!, r.inputCid), output: readPayloads(from.get(r)!, r.outputCid) };
  } finally {
    for (const s of sources) s.close();
  }
  return { results, matched: count.matched, dropped: [...dropped.values()].sort((x, y) => (x.log < y.log ? -1 : x.log > y.log ? 1 : 0)) };
}

/** Payload attribute -> stored text of an input/output block; {} when the block is absent or does not decode. */
function readPayloads(source: ProvenanceSource, block: string | null): Record<string, string> | null {
  if (!block) return null;
  const out: Record<string, string> = {};
  for (const [name, cid] of Object.entries(payloadLinks(source, block))) {
    const raw = source.block(cid);
    if (raw) out[name] = raw.toString('utf8');
  }
  return out;
}

/** Span records of every log in a store directory or CAR export that match `filter`, newest first. */
export function queryStore(path: string | readonly string[], filter: QueryFilter = {}, options: QueryOptions = {}): QueryResult[] {
  return query(path, filter, options).results;
}

/** One human-readable line per result: time, seq, model, operation, status, record CID, input/output CIDs. */
export function formatQueryResult(r: QueryResult): string {
  return [
    r.time,
    `seq=${r.seq}`,
    `model=${r.model ?? '-'}`,
    `op=${r.operation ?? '-'}`,
    `status=${r.status}`,
    `record=${r.cid}`,
    `input=${r.inputCid ?? '-'}`,
    `output=${r.outputCid ?? '-'}`,
    `log=${r.log}`,
  ].join('  ');
}

/** The note query prints for a log that recorded dropped spans. */
export function formatDropSummary(d: DropSummary): string {
  return `note: log ${d.log} recorded ${d.spans} span(s) dropped by the exporter under back-pressure (${d.records} dropped record(s)); they have no records to match`;
}
