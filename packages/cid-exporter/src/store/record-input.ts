/**
 * What the store appends: a record given as a field map (recovery and `dropped` records), or a record
 * writer that writes its own canonical text (span records, FORMAT.md section 3.1) given the chain
 * position the store assigns and a sink for the blocks it links.
 */
import type { CID } from '../cid.js';
import type { ByteBatch } from './byte-batch.js';
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
  /** The log id. */
  readonly log: string;
  /** The log id as DAG-JSON bytes (`"<log id>"`). */
  readonly logBytes: Uint8Array;
  readonly seq: number;
  /** The previous record, or null at seq 0. */
  readonly prev: CID | null;
  /**
   * Stores the UTF-8 bytes of `text` (lone surrogates become U+FFFD) as a block of `codec` in this log's
   * pack, unless the pack already holds it; returns its CID.
   */
  putText(codec: number, text: string): CID;
  /** Stores a block whose CID is already known (once per pack); returns its CID. */
  put(block: BlockInput): CID;
  /**
   * Starts a block of `codec` written straight into the pack: write its bytes into the returned batch,
   * then call {@link RecordContext.endBlock} for its CID (the block is dropped again if the pack has it).
   */
  beginBlock(codec: number): ByteBatch;
  endBlock(): CID;
}

/**
 * A record that writes itself. `writeRecord` writes the record's canonical DAG-JSON bytes (FORMAT.md
 * section 8; no newline) into `out`, with `log`, `prev` and `seq` from `ctx` and `"v":2`. If it throws,
 * the record and every block it put are left out of the log, and the error is that record's result.
 */
export interface RecordWriter {
  writeRecord(ctx: RecordContext, out: ByteBatch): void;
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
