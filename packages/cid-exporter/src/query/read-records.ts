/**
 * Records of every log of a store or CAR export as they are stored, decoded, for query and export. This
 * is not a verification: lines that do not parse are skipped and reported in `skipped`; run verify for
 * trust. A record of another format version, or a `span` record lacking a field query and export rely
 * on (times, ids, status, scope, events, links, resource), is an error naming where it is, rather than a
 * TypeError deep inside a reader.
 */
import { dagJsonCid } from '../cid.js';
import { decodeDagJson } from '../dag-json/index.js';
import type { ProvenanceRecord } from '../record.js';
import { openSource, type LogRecordStream, type ProvenanceSource, type RecordPlace, type SourceRecord } from '../read/source.js';
import { mergeHeads } from './k-way-merge.js';

/** The record format version query and export read. */
export const QUERY_FORMAT_VERSION = 2;

export interface StoredRecord {
  log: string;
  /** Store-relative log file (store) or the CAR file. */
  file: string;
  /** 1-based line in the log file (store). */
  line?: number;
  /** Section index in the CAR. */
  section?: number;
  /** Record CID over the stored bytes. */
  cid: string;
  bytes: Uint8Array;
  record: ProvenanceRecord;
}

export interface StoreRecords {
  records: StoredRecord[];
  skipped: Array<{ file: string; line?: number; section?: number; reason: string }>;
}

const NANOS = /^[0-9]+$/;
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isLink = (v: unknown): v is { '/': string } => isMap(v) && Object.keys(v).length === 1 && typeof v['/'] === 'string';

/** Why a decoded `span` record cannot be read by query / export (FORMAT.md section 3.1), or undefined. */
export function spanRecordProblem(r: Record<string, unknown>): string | undefined {
  if (!Number.isSafeInteger(r.seq)) return 'seq is not an integer';
  for (const k of ['traceId', 'spanId', 'name'] as const) if (typeof r[k] !== 'string') return `${k} is not a string`;
  if (r.parentSpanId !== undefined && r.parentSpanId !== null && typeof r.parentSpanId !== 'string') return 'parentSpanId is neither a string nor null';
  for (const k of ['start', 'end'] as const) {
    if (typeof r[k] !== 'string' || !NANOS.test(r[k])) return `${k} is ${JSON.stringify(r[k])}, not a decimal nanosecond string`;
  }
  if (!isMap(r.status) || typeof r.status.code !== 'string') return 'status is not a map with a string code';
  if (!isMap(r.scope) || typeof r.scope.name !== 'string') return 'scope is not a map with a string name';
  if (r.resource !== null && !isLink(r.resource)) return 'resource is not a link to a resource block';
  if (r.events !== undefined) {
    if (!Array.isArray(r.events)) return 'events is not a list';
    const i = r.events.findIndex((e) => !isMap(e) || typeof e.name !== 'string' || typeof e.time !== 'string' || !NANOS.test(e.time));
    if (i >= 0) return `events.${i} is not a map with a string name and a decimal nanosecond time`;
  }
  if (r.links !== undefined) {
    if (!Array.isArray(r.links)) return 'links is not a list';
    const i = r.links.findIndex((l) => !isMap(l) || typeof l.traceId !== 'string' || typeof l.spanId !== 'string');
    if (i >= 0) return `links.${i} is not a map with string traceId and spanId`;
  }
  return undefined;
}

/** `file:line` or `file section n`, for messages. */
export function placeText(p: Pick<RecordPlace, 'file' | 'line' | 'section'>): string {
  return p.line !== undefined ? `${p.file}:${p.line}` : `${p.file} section ${p.section}`;
}

/** The decoded record `raw` of the store or CAR at `sourcePath`, or undefined (and an entry in `skipped`) when it does not decode. */
export function decodeStored(sourcePath: string, raw: SourceRecord, skipped?: StoreRecords['skipped']): StoredRecord | undefined {
  const { place } = raw;
  const view = raw.bytes.subarray(raw.start, raw.end);
  let value: unknown;
  try {
    value = decodeDagJson(view);
  } catch (err) {
    skipped?.push({ file: place.file, line: place.line, section: place.section, reason: (err as Error).message });
    return undefined;
  }
  if (!isMap(value) || typeof value.type !== 'string') {
    skipped?.push({ file: place.file, line: place.line, section: place.section, reason: 'not a record' });
    return undefined;
  }
  if (value.v !== QUERY_FORMAT_VERSION) {
    throw new Error(
      `${placeText(place)}: record format version ${JSON.stringify(value.v)} is not supported (this version of llm-provenance reads format version ${QUERY_FORMAT_VERSION})`,
    );
  }
  const problem = value.type === 'span' ? spanRecordProblem(value) : undefined;
  if (problem) throw new Error(`${placeText(place)}: span record cannot be read: ${problem}; run llm-provenance verify ${sourcePath}`);
  const copy = Buffer.from(view);
  return {
    log: place.log,
    file: place.file,
    ...(place.line !== undefined ? { line: place.line } : { section: place.section }),
    cid: dagJsonCid(copy).toString(),
    bytes: copy,
    record: value as unknown as ProvenanceRecord,
  };
}

/**
 * Streams the decoded records of a source, logs in order, records in stored order. Undecodable records
 * go to `skipped`; `visit` returns false to stop.
 */
export function forEachRecord(source: ProvenanceSource, visit: (r: StoredRecord) => boolean, skipped?: StoreRecords['skipped']): void {
  source.forEachRecord((bytes, start, end, place) => {
    const r = decodeStored(source.path, { bytes, start, end, place }, skipped);
    return r === undefined ? true : visit(r);
  });
}

/** A log stream's next decoded record and the key it merges by. */
interface Head {
  record: StoredRecord;
  source: ProvenanceSource;
  /** Span start (decimal nanoseconds) and trace id; a record without them keeps its predecessor's key. */
  start: string;
  traceId: string;
  /** Stream number: the order of the logs (sources as given, logs by id), the last tie-breaker. */
  order: number;
  stream: LogRecordStream;
}

/** Decimal nanosecond strings without leading zeros compare by length, then digit by digit. */
export function compareNanos(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function before(x: Head, y: Head): boolean {
  const t = compareNanos(x.start, y.start);
  if (t !== 0) return t < 0;
  if (x.traceId !== y.traceId) return x.traceId < y.traceId;
  return x.order < y.order;
}

/** Pulls the stream's next decodable record into a head (keeping the previous key for keyless records). */
function pull(h: Omit<Head, 'record'> & { record?: StoredRecord }, skipped?: StoreRecords['skipped']): boolean {
  for (let raw = h.stream.next(); raw !== undefined; raw = h.stream.next()) {
    const r = decodeStored(h.source.path, raw, skipped);
    if (!r) continue;
    const v = r.record as unknown as Record<string, unknown>;
    // only span records move the key, so the merged order of span records does not depend on the others
    if (v.type === 'span') {
      h.start = v.start as string;
      h.traceId = v.traceId as string;
    }
    h.record = r;
    return true;
  }
  h.stream.close();
  return false;
}

/**
 * Streams the decoded records of every log of every source merged into one sequence ordered by span start,
 * then trace id, then log (sources in the order given, logs by id): a k-way merge that holds one record
 * per log. Each log is read in its stored order, which is the order its process exported spans (by end,
 * in batches), so a log is nearly but not strictly in start order. The merge never reorders a log: when
 * a log is out of order, every record still comes exactly once, and the output is ordered except around
 * those records (a record that starts before its predecessor in its log comes out after it). Records
 * that are not spans follow their predecessor in their log. `visit` returns false to stop.
 */
export function forEachMergedRecord(
  sources: readonly ProvenanceSource[],
  visit: (r: StoredRecord, source: ProvenanceSource) => boolean,
  skipped?: StoreRecords['skipped'],
): void {
  const heap: Head[] = [];
  const streams: LogRecordStream[] = [];
  try {
    let order = 0;
    for (const source of sources) {
      for (const stream of source.logStreams()) {
        streams.push(stream);
        const h = { source, stream, order: order++, start: '0', traceId: '' } as Head;
        if (pull(h, skipped)) heap.push(h);
      }
    }
    mergeHeads(
      heap,
      before,
      (top) => visit(top.record, top.source),
      (top) => pull(top, skipped),
    );
  } finally {
    for (const s of streams) s.close();
  }
}

/** Every complete, parseable record of every log of a store directory or CAR export, in memory. */
export function readStoreRecords(path: string): StoreRecords {
  const source = openSource(path);
  const out: StoreRecords = { records: [], skipped: [] };
  try {
    forEachRecord(
      source,
      (r) => {
        out.records.push(r);
        return true;
      },
      out.skipped,
    );
  } finally {
    source.close();
  }
  return out;
}

/**
 * A record's resource attributes (FORMAT.md section 3.1: `resource` links a dag-json block holding the
 * normalised resource attribute map, written once per log), decoded once per block. An absent or
 * undecodable block gives an empty map.
 */
export class ResourceReader {
  private readonly cache = new Map<string, Record<string, unknown>>();

  constructor(private readonly source: ProvenanceSource) {}

  attributes(link: unknown): Record<string, unknown> {
    if (!isLink(link)) return {};
    const cid = link['/'];
    let attrs = this.cache.get(cid);
    if (attrs === undefined) {
      attrs = {};
      const bytes = this.source.block(cid);
      if (bytes) {
        try {
          const v = decodeDagJson(bytes);
          if (isMap(v)) attrs = v;
        } catch {
          // an undecodable resource block shows no attributes; verify names it
        }
      }
      this.cache.set(cid, attrs);
    }
    return attrs;
  }
}
