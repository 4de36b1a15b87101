/**
 * A rebuildable index of a store's span records, in an embedded SQLite database beside the logs
 * (`index/spans.sqlite` in the store directory; ./sql-engine.ts). The logs stay the source of truth: the
 * index records, per log, the bytes it covers and the CID of the last record it read, and is used only
 * while every log still has exactly those bytes (a log that grew, shrank, was rewritten, appeared or went
 * away makes it stale). A stale or missing index is never read: the commands stream the logs, or rebuild
 * it when asked (`--index`). It is built into a temporary file renamed over the old one, so a reader sees
 * the old index or the new one, never half of one.
 *
 * One row per span record, holding what report, consistency and query filter and count by (the same
 * attributes ../../report/calls.ts reads), and where the record's line is in its log, so query reads only
 * the records it shows.
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ATTR_ENDUSER_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_PROVENANCE_ROUTE_BACKEND,
  ATTR_PROVENANCE_TASK_ID,
  ATTR_PROVENANCE_WORKER_ID,
  ATTR_SERVICE_NAME,
  isModelCallAttributes,
} from '@llm-provenance/semantic-conventions';
import { dagJsonCid } from '../../cid.js';
import type { ProvenanceSource } from '../../read/source.js';
import { listLogIds } from '../../read/store-files.js';
import { storePaths, type SpanRecord } from '../../record.js';
import { linkCid } from '../payload-links.js';
import { decodeStored, ResourceReader } from '../read-records.js';
import { openSqlDatabase, sqlEngineName, type SqlDatabase, type SqlRow, type SqlStatement, type SqlValue } from './sql-engine.js';

/** Where the index lives, relative to the store directory. */
export const INDEX_FILE = 'index/spans.sqlite';
/** Bumped when the tables change: an index of another version is stale. */
/**
 * 2: `genai` is 1 for model calls only (semantic-conventions' isModelCallAttributes), not tool or agent spans.
 * 3: nor agent steps, nor spans marked `provenance.model_call.recorded_by`.
 */
const SCHEMA_VERSION = 3;
/** A torn tail (bytes after the last newline) up to this size is read to tell it from appended records. */
const TAIL_CHECK_LIMIT = 1 << 20;
/** Rows read per statement run when a log's rows are streamed. */
const ROW_PAGE = 128;

/** How a command uses the index: when fresh (`auto`), rebuilt first when missing or stale (`refresh`), or not at all. */
export type IndexMode = 'auto' | 'refresh' | 'off';

/** The attributes an index row keeps, by column. */
const NUMBER_COLUMNS = {
  in_tok: ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  out_tok: ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  cached: ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  reasoning: ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  cost: ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ttft: ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  temperature: ATTR_GEN_AI_REQUEST_TEMPERATURE,
  seed: ATTR_GEN_AI_REQUEST_SEED,
  top_p: ATTR_GEN_AI_REQUEST_TOP_P,
} as const;
const STRING_COLUMNS = {
  user: ATTR_ENDUSER_ID,
  task: ATTR_PROVENANCE_TASK_ID,
  worker: ATTR_PROVENANCE_WORKER_ID,
  route: ATTR_PROVENANCE_ROUTE_BACKEND,
  provider: ATTR_GEN_AI_PROVIDER_NAME,
  req_model: ATTR_GEN_AI_REQUEST_MODEL,
  resp_model: ATTR_GEN_AI_RESPONSE_MODEL,
  operation: ATTR_GEN_AI_OPERATION_NAME,
  currency: ATTR_GEN_AI_USAGE_COST_CURRENCY,
} as const;
export type IndexedAttribute = (typeof NUMBER_COLUMNS)[keyof typeof NUMBER_COLUMNS] | (typeof STRING_COLUMNS)[keyof typeof STRING_COLUMNS];

/** Every column of a span row, in the order the build inserts its values. */
const ROW_COLUMNS = [
  'log_no',
  'line',
  'off',
  'len',
  'seq',
  'start',
  'start_ns',
  'end_',
  'trace_id',
  'genai',
  'error',
  'service',
  'input_cid',
  'params_cid',
  'output_cid',
  ...Object.keys(STRING_COLUMNS),
  ...Object.keys(NUMBER_COLUMNS),
];

/** Row columns a call read does not take: the line's place in its log, the start as a number, the numbers (read by name). */
const ROW_ONLY_COLUMNS: ReadonlySet<string> = new Set(['line', 'off', 'len', 'start_ns', ...Object.keys(NUMBER_COLUMNS)]);
/** The columns every call read from the index needs (record place, times, status, links, dimensions). */
const CALL_COLUMNS = ROW_COLUMNS.filter((column) => !ROW_ONLY_COLUMNS.has(column));

const SCHEMA = `
CREATE TABLE meta (version INTEGER, engine TEXT);
CREATE TABLE logs (log_no INTEGER PRIMARY KEY, log TEXT NOT NULL, size INTEGER NOT NULL, last_offset INTEGER, last_length INTEGER,
  last_cid TEXT, first_row INTEGER, last_row INTEGER);
CREATE TABLE dropped (log TEXT NOT NULL, spans INTEGER NOT NULL, records INTEGER NOT NULL);
CREATE TABLE spans (log_no INTEGER NOT NULL, line INTEGER NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL, seq INTEGER NOT NULL,
  start TEXT NOT NULL, start_ns INTEGER NOT NULL, end_ TEXT NOT NULL, trace_id TEXT NOT NULL, genai INTEGER NOT NULL, error INTEGER NOT NULL,
  service TEXT, input_cid TEXT, params_cid TEXT, output_cid TEXT,
  ${Object.keys(STRING_COLUMNS)
    .map((c) => `${c} TEXT`)
    .join(', ')},
  ${Object.keys(NUMBER_COLUMNS)
    .map((c) => `${c} REAL`)
    .join(', ')});
`;

/** What the index knows of one log. */
export interface IndexedLog {
  logNo: number;
  log: string;
  /** Bytes of complete lines read (-1: no log file, only checkpoints). */
  size: number;
  lastOffset: number | null;
  lastLength: number | null;
  lastCid: string | null;
  firstRow: number | null;
  lastRow: number | null;
}

/** One span row, as ./index-calls.ts and ../query.ts read it. */
export type SpanRow = SqlRow & { log_no: number; line: number; off: number; len: number; seq: number; start: string; end_: string; trace_id: string };

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The bytes [offset, offset + length) of a file, or fewer at its end. */
function readRange(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Why the index no longer describes the logs of `storeDir`, or undefined when it still does. */
function staleness(storeDir: string, logs: readonly IndexedLog[]): string | undefined {
  const ids = listLogIds(storeDir);
  if (ids.length !== logs.length || ids.some((id, i) => id !== logs[i]!.log)) return 'the store has other logs than when it was indexed';
  for (const l of logs) {
    const file = join(storeDir, storePaths.log(l.log));
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      size = -1;
    }
    if (l.size === -1 || size === -1) {
      if (size !== l.size) return `log ${l.log} ${size === -1 ? 'went away' : 'appeared'} since it was indexed`;
      continue;
    }
    if (size < l.size) return `log ${l.log} is shorter than when it was indexed`;
    if (size > l.size) {
      // only a torn tail (no newline: no complete record) may follow what was indexed
      if (size - l.size > TAIL_CHECK_LIMIT || readRange(file, l.size, size - l.size).includes(0x0a))
        return `log ${l.log} has records added since it was indexed`;
    }
    if (l.lastCid !== null) {
      const last = readRange(file, l.lastOffset!, l.lastLength!);
      if (last.length !== l.lastLength || dagJsonCid(last).toString() !== l.lastCid) return `log ${l.log} was rewritten since it was indexed`;
    }
  }
  return undefined;
}

/** An open, fresh index of one store. */
export class StoreIndex {
  private readonly pages = new Map<string, SqlStatement>();

  private constructor(
    readonly db: SqlDatabase,
    readonly storeDir: string,
    readonly logs: IndexedLog[],
  ) {}

  /** The engine the index runs on, or undefined when none is installed. */
  static engine(): string | undefined {
    return sqlEngineName();
  }

  /**
   * The store's index when it is usable under `mode`: `auto` opens a fresh one (undefined when missing
   * or stale: `note` says why), `refresh` rebuilds a missing or stale one first, `off` never opens one.
   * Undefined too when no engine is installed.
   */
  static open(source: ProvenanceSource, mode: IndexMode, note?: (text: string) => void): StoreIndex | undefined {
    if (mode === 'off' || source.type !== 'store' || !sqlEngineName()) return undefined;
    const file = join(source.path, INDEX_FILE);
    let exists = false;
    try {
      exists = statSync(file).isFile();
    } catch {
      // no index yet
    }
    if (exists) {
      const index = StoreIndex.load(source.path, file);
      const why = index ? staleness(source.path, index.logs) : 'it was written by another version';
      if (!why) return index;
      index?.close();
      if (mode === 'auto') {
        note?.(`the index of ${source.path} is stale (${why}): reading the logs; --index rebuilds it`);
        return undefined;
      }
    } else if (mode === 'auto') return undefined;
    StoreIndex.build(source);
    return StoreIndex.load(source.path, file);
  }

  private static load(storeDir: string, file: string): StoreIndex | undefined {
    const db = openSqlDatabase(file)!;
    try {
      const meta = db.prepare('SELECT version FROM meta').get();
      if (meta?.version !== SCHEMA_VERSION) {
        db.close();
        return undefined;
      }
    } catch {
      db.close();
      return undefined;
    }
    const logs = db
      .prepare('SELECT * FROM logs ORDER BY log_no')
      .all()
      .map((r): IndexedLog => ({
        logNo: r.log_no as number,
        log: r.log as string,
        size: r.size as number,
        lastOffset: r.last_offset as number | null,
        lastLength: r.last_length as number | null,
        lastCid: r.last_cid as string | null,
        firstRow: r.first_row as number | null,
        lastRow: r.last_row as number | null,
      }));
    return new StoreIndex(db, storeDir, logs);
  }

  /** Builds the index of a store from its logs (into a temporary file, then renamed into place). */
  static build(source: ProvenanceSource): void {
    const dir = join(source.path, 'index');
    mkdirSync(dir, { recursive: true });
    const final = join(source.path, INDEX_FILE);
    const tmp = `${final}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    const db = openSqlDatabase(tmp)!;
    try {
      db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;');
      db.exec(SCHEMA);
      db.prepare('INSERT INTO meta VALUES (?, ?)').run(SCHEMA_VERSION, db.engine);
      const insert = db.prepare(`INSERT INTO spans (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map(() => '?').join(', ')})`);
      const insertLog = db.prepare('INSERT INTO logs VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const insertDropped = db.prepare('INSERT INTO dropped VALUES (?, ?, ?)');
      const resources = new ResourceReader(source);
      let rowid = 0;
      db.exec('BEGIN');
      source.logStreams().forEach((stream, logNo) => {
        const firstRow = rowid + 1;
        let size = -1;
        let last: { offset: number; length: number; cid: string } | null = null;
        const drops = { spans: 0, records: 0 };
        try {
          for (let raw = stream.next(); raw !== undefined; raw = stream.next()) {
            const length = raw.end - raw.start;
            size = raw.place.offset! + length + 1;
            const s = decodeStored(source.path, raw);
            if (!s) continue;
            last = { offset: raw.place.offset!, length, cid: s.cid };
            const rec = s.record as unknown as Record<string, unknown>;
            if (rec.type === 'dropped') {
              drops.spans += Number.isSafeInteger(rec.count) ? (rec.count as number) : 0;
              drops.records++;
            }
            if (rec.type !== 'span') continue;
            const r = s.record as SpanRecord;
            const a = r.attributes ?? {};
            const values: SqlValue[] = [
              logNo,
              raw.place.line!,
              raw.place.offset!,
              length,
              r.seq,
              r.start,
              r.start,
              r.end,
              r.traceId,
              isModelCallAttributes(a) ? 1 : 0,
              r.status?.code === 'ERROR' ? 1 : 0,
              str(resources.attributes(rec.resource)[ATTR_SERVICE_NAME]),
              linkCid(rec.input),
              linkCid(rec.params),
              linkCid(rec.output),
              ...Object.values(STRING_COLUMNS).map((k) => str(a[k])),
              ...Object.values(NUMBER_COLUMNS).map((k) => num(a[k])),
            ];
            insert.run(...values);
            rowid++;
          }
          if (size === -1) {
            // a log file without a complete line, or no log file at all
            try {
              size = statSync(join(source.path, storePaths.log(stream.log))).size >= 0 ? 0 : -1;
            } catch {
              size = -1;
            }
          }
        } finally {
          stream.close();
        }
        insertLog.run(logNo, stream.log, size, last?.offset ?? null, last?.length ?? null, last?.cid ?? null, firstRow, rowid);
        if (drops.records > 0) insertDropped.run(stream.log, drops.spans, drops.records);
      });
      db.exec('COMMIT');
      db.exec('CREATE INDEX spans_start ON spans (start_ns)');
    } catch (err) {
      db.close();
      rmSync(tmp, { force: true });
      throw err;
    }
    db.close();
    renameSync(tmp, final);
  }

  /**
   * The rows of one log's span records, in stored order, read in pages of ROW_PAGE rows (one statement
   * run at a time: better-sqlite3 allows no other statement while an iteration is open, and a merge
   * reads many logs at once). `numbers`: the numeric attributes to read (default all; fewer columns read
   * faster).
   */
  *rowsOf(log: IndexedLog, numbers?: readonly string[]): Generator<SpanRow> {
    const columns = [
      ...CALL_COLUMNS,
      ...Object.entries(NUMBER_COLUMNS)
        .filter(([, attribute]) => !numbers || numbers.includes(attribute))
        .map(([column]) => column),
    ].join(', ');
    let page = this.pages.get(columns);
    if (!page) this.pages.set(columns, (page = this.db.prepare(`SELECT ${columns} FROM spans WHERE rowid BETWEEN ? AND ?`)));
    const last = log.lastRow ?? 0;
    for (let from = log.firstRow ?? 1; from <= last; from += ROW_PAGE) {
      yield* page.all(from, Math.min(last, from + ROW_PAGE - 1)) as SpanRow[];
    }
  }

  /** The stored bytes of a row's record (read from its log, not from the index). */
  recordBytes(row: SpanRow): Buffer {
    return readRange(join(this.storeDir, storePaths.log(this.logs[row.log_no]!.log)), row.off, row.len);
  }

  close(): void {
    this.db.close();
  }
}

/** The attributes of a row, as the record holds them (only those the index keeps and the row was read with). */
export function rowAttributes(row: SpanRow): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [column, attribute] of Object.entries(STRING_COLUMNS)) if (row[column] != null) out[attribute] = row[column];
  for (const [column, attribute] of Object.entries(NUMBER_COLUMNS)) if (row[column] != null) out[attribute] = row[column];
  return out;
}

/**
 * The index of every source under `mode`, or undefined when one of them has none usable (a CAR, no
 * engine, missing or stale): then every source is read from its logs, so the answer never mixes the two.
 */
export function openIndexes(
  sources: readonly ProvenanceSource[],
  read: { index?: IndexMode; note?: (text: string) => void },
): Array<{ source: ProvenanceSource; index: StoreIndex }> | undefined {
  const out: Array<{ source: ProvenanceSource; index: StoreIndex }> = [];
  for (const source of sources) {
    const index = StoreIndex.open(source, read.index ?? 'auto', read.note);
    if (!index) {
      for (const o of out) o.index.close();
      return undefined;
    }
    out.push({ source, index });
  }
  return out;
}
