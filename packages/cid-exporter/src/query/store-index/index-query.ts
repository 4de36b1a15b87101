/**
 * `query` answered from a store's index: the filters become one SQL statement over the span rows
 * (newest first, as ../query.ts orders results, cut at the limit), and only the records it returns are
 * read, from their logs, by byte offset. The records themselves, never the index, give what is shown.
 */
import { storePaths } from '../../record.js';
import type { QueryFilter } from '../query.js';
import { decodeStored, type StoredRecord } from '../read-records.js';
import type { SqlValue } from './sql-engine.js';
import type { SpanRow, StoreIndex } from './store-index.js';

/** The filters query reads from an index (payload CID filters are answered from the logs). */
export type IndexFilter = Pick<QueryFilter, 'model' | 'provider' | 'operation' | 'user' | 'task' | 'worker' | 'route' | 'traceId' | 'status' | 'limit'>;

const EQUALS = { provider: 'provider', operation: 'operation', user: 'user', task: 'task', worker: 'worker', route: 'route' } as const;

/**
 * Visits the records of `index` matching `filter`, newest first (at most `limit`), and its logs' drop
 * counts; returns how many records match in all.
 */
export function queryIndex(
  index: StoreIndex,
  filter: IndexFilter,
  since: bigint | undefined,
  until: bigint | undefined,
  visit: (record: StoredRecord) => void,
  dropped: (d: { log: string; spans: number; records: number }) => void,
): number {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.model !== undefined) {
    where.push('(req_model = ? OR resp_model = ?)');
    params.push(filter.model, filter.model);
  }
  for (const [key, column] of Object.entries(EQUALS) as Array<[keyof typeof EQUALS, string]>) {
    if (filter[key] !== undefined) {
      where.push(`${column} = ?`);
      params.push(filter[key]);
    }
  }
  if (filter.traceId !== undefined) {
    where.push('trace_id = ?');
    params.push(filter.traceId.toLowerCase());
  }
  // start_ns has INTEGER affinity: the decimal text is compared as the integer it is
  if (since !== undefined) {
    where.push('start_ns >= ?');
    params.push(since.toString());
  }
  if (until !== undefined) {
    where.push('start_ns < ?');
    params.push(until.toString());
  }
  if (filter.status !== undefined) where.push(filter.status === 'error' ? 'error = 1' : 'error = 0');
  const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  const matched = index.db.prepare(`SELECT count(*) AS n FROM spans${clause}`).get(...params)!.n as number;
  const rows = index.db
    .prepare(
      `SELECT s.log_no, s.line, s.off, s.len FROM spans s JOIN logs l ON l.log_no = s.log_no${clause.replace(/\b(req_model|resp_model|provider|operation|user|task|worker|route|trace_id|start_ns|error)\b/g, 's.$1')}` +
        ` ORDER BY s.start_ns DESC, l.log DESC, s.seq DESC${filter.limit !== undefined ? ` LIMIT ${filter.limit}` : ''}`,
    )
    .all(...params) as SpanRow[];
  for (const row of rows) {
    const log = index.logs[row.log_no]!.log;
    const bytes = index.recordBytes(row);
    const s = decodeStored(index.storeDir, {
      bytes,
      start: 0,
      end: bytes.length,
      place: { log, file: storePaths.log(log), line: row.line, offset: row.off },
    });
    // the index is fresh (checked on open), so the line is the record it indexed
    if (s) visit(s);
  }
  for (const d of index.db.prepare('SELECT log, spans, records FROM dropped').all())
    dropped({ log: d.log as string, spans: d.spans as number, records: d.records as number });
  return matched;
}
