/**
 * Reads the records of every log in a store as they are on disk, for query and export. This is not a
 * verification: lines that do not parse are skipped and reported in `skipped`; run verify for trust.
 * A line that parses as a `span` record but lacks a field query and export rely on (times, ids, status,
 * scope, events, links) is an error naming file and line, rather than a TypeError deep inside a reader.
 */
import { dagJsonCid } from '../cid.js';
import { decodeDagJson } from '../dag-json/index.js';
import type { ProvenanceRecord } from '../record.js';
import { assertStore, listLogIds, readLogLines } from '../verify/store-files.js';

export interface StoredRecord {
  log: string;
  /** Store-relative log file and 1-based line. */
  file: string;
  line: number;
  /** Record CID over the stored line bytes. */
  cid: string;
  bytes: Uint8Array;
  record: ProvenanceRecord;
}

export interface StoreRecords {
  records: StoredRecord[];
  skipped: Array<{ file: string; line: number; reason: string }>;
}

const NANOS = /^[0-9]+$/;
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Why a decoded `span` record cannot be read by query / export (FORMAT.md section 3.1), or undefined. */
export function spanRecordProblem(r: Record<string, unknown>): string | undefined {
  if (!Number.isSafeInteger(r.seq)) return 'seq is not an integer';
  for (const k of ['traceId', 'spanId', 'name'] as const) if (typeof r[k] !== 'string') return `${k} is not a string`;
  if (r.parentSpanId !== undefined && r.parentSpanId !== null && typeof r.parentSpanId !== 'string') return 'parentSpanId is neither a string nor null';
  for (const k of ['start', 'end'] as const) {
    if (typeof r[k] !== 'string' || !NANOS.test(r[k] as string)) return `${k} is ${JSON.stringify(r[k])}, not a decimal nanosecond string`;
  }
  if (!isMap(r.status) || typeof r.status.code !== 'string') return 'status is not a map with a string code';
  if (!isMap(r.scope) || typeof r.scope.name !== 'string') return 'scope is not a map with a string name';
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

/** Every complete, parseable record line of every log, logs in id order, lines in file order. */
export function readStoreRecords(dir: string): StoreRecords {
  assertStore(dir);
  const out: StoreRecords = { records: [], skipped: [] };
  for (const log of listLogIds(dir)) {
    const { file, lines } = readLogLines(dir, log);
    lines.forEach((bytes, i) => {
      let value: unknown;
      try {
        value = decodeDagJson(bytes);
      } catch (err) {
        out.skipped.push({ file, line: i + 1, reason: (err as Error).message });
        return;
      }
      if (value === null || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') {
        out.skipped.push({ file, line: i + 1, reason: 'not a record' });
        return;
      }
      const problem = (value as { type: string }).type === 'span' ? spanRecordProblem(value as Record<string, unknown>) : undefined;
      if (problem) throw new Error(`${file}:${i + 1}: span record cannot be read: ${problem}; run llm-provenance verify ${dir}`);
      out.records.push({ log, file, line: i + 1, cid: dagJsonCid(bytes).toString(), bytes, record: value as ProvenanceRecord });
    });
  }
  return out;
}
