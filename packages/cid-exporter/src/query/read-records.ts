/**
 * Reads the records of every log in a store as they are on disk, for query and export. This is not a
 * verification: lines that do not parse are skipped and reported in `skipped`; run verify for trust.
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
      out.records.push({ log, file, line: i + 1, cid: dagJsonCid(bytes).toString(), bytes, record: value as ProvenanceRecord });
    });
  }
  return out;
}
