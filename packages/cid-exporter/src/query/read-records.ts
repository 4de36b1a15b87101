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
import { openSource, type ProvenanceSource, type RecordPlace } from '../read/source.js';

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

/**
 * Streams the decoded records of a source, logs in order, records in stored order. Undecodable records
 * go to `skipped`; `visit` returns false to stop.
 */
export function forEachRecord(source: ProvenanceSource, visit: (r: StoredRecord) => boolean, skipped?: StoreRecords['skipped']): void {
  source.forEachRecord((bytes, start, end, place) => {
    const view = bytes.subarray(start, end);
    let value: unknown;
    try {
      value = decodeDagJson(view);
    } catch (err) {
      skipped?.push({ file: place.file, line: place.line, section: place.section, reason: (err as Error).message });
      return true;
    }
    if (!isMap(value) || typeof value.type !== 'string') {
      skipped?.push({ file: place.file, line: place.line, section: place.section, reason: 'not a record' });
      return true;
    }
    if (value.v !== QUERY_FORMAT_VERSION) {
      throw new Error(
        `${placeText(place)}: record format version ${JSON.stringify(value.v)} is not supported (this version of llm-provenance reads format version ${QUERY_FORMAT_VERSION})`,
      );
    }
    const problem = value.type === 'span' ? spanRecordProblem(value) : undefined;
    if (problem) throw new Error(`${placeText(place)}: span record cannot be read: ${problem}; run llm-provenance verify ${source.path}`);
    const copy = Buffer.from(view);
    return visit({
      log: place.log,
      file: place.file,
      ...(place.line !== undefined ? { line: place.line } : { section: place.section }),
      cid: dagJsonCid(copy).toString(),
      bytes: copy,
      record: value as unknown as ProvenanceRecord,
    });
  });
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
