/**
 * What the store appends: a record given as a field map (recovery and `dropped` records), or a record
 * writer that writes its own canonical text (span records, FORMAT.md section 3.1) given the chain
 * position the store assigns and a sink for the blocks it links.
 */
import type { CID } from '../cid.js';
import type { DagValue } from '../record.js';

export interface BlockInput {
  cid: CID;
  bytes: Uint8Array;
}

/**
 * A record without the fields the store assigns (`v`, `log`, `seq`, `prev`), plus the blocks it links.
 * `append` takes ownership of `fields` and sets those four keys on it.
 */
export interface RecordDraft {
  fields: { [key: string]: DagValue };
  blocks: BlockInput[];
}

/** The chain position of the record being written, and where its blocks go. */
export interface RecordContext {
  /** The log id as DAG-JSON text (`"<log id>"`). */
  readonly logText: string;
  /** The `prev` value as DAG-JSON text: `null`, or `{"/":"<CID of the previous record>"}`. */
  readonly prevText: string;
  readonly seq: number;
  /**
   * Stores the UTF-8 bytes of `text` (well-formed: no lone surrogates) as a block of `codec` in this log's
   * pack, unless the pack already holds it; returns its CID.
   */
  putText(codec: number, text: string): CID;
  /** Stores a block whose CID is already known (once per pack); returns its CID. */
  put(block: BlockInput): CID;
}

/**
 * A record that writes itself. `writeRecord` returns the record's canonical DAG-JSON text (FORMAT.md
 * section 8) with `log`, `prev` and `seq` from `ctx` and `"v":2`. If it throws, the record and every
 * block it put are left out of the log, and the error is that record's result.
 */
export interface RecordWriter {
  writeRecord(ctx: RecordContext): string;
}

export type RecordInput = RecordDraft | RecordWriter;

export interface AppendedRecord {
  cid: CID;
  log: string;
  seq: number;
}

export interface AppendResult {
  /** One entry per input: the record, or the error that kept this input out of the log. */
  records: (AppendedRecord | Error)[];
  /** Resolves when every appended record and its blocks are written (and fsynced per durability). */
  durable: Promise<void>;
}
