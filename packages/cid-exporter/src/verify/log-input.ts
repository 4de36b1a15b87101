/** What verifying one log takes and gives, for stores (lines of a .jsonl file) and CAR exports alike. */
import type { BlockTable } from './block-table.js';
import type { CheckpointReading } from './checkpoint-check.js';
import type { Seal } from './checkpoint-eval.js';
import type { FailureKind, VerifyFailure, VerifyNote } from './failure.js';
import type { WitnessClaim } from './witness-claims.js';

export type Where = Pick<VerifyFailure, 'file' | 'line' | 'section' | 'offset'>;

/**
 * Visits one record: its bytes are bytes[start, end) (valid during the call only), `at` says where it is
 * (LogInput.where(at), asked only during the call). `digest` is the sha2-256 of those bytes when the
 * caller already checked it (a CAR section's CID); otherwise the visitor hashes them. Returning false
 * stops the walk.
 */
export type RecordVisitor = (bytes: Uint8Array, start: number, end: number, at: number, digest?: string) => boolean;

export interface LogInput {
  logId: string;
  /** Walks the log's records in stored order; may be called more than once. */
  records(visit: RecordVisitor): void;
  /** Where the record visited at `at` is (a line of a log file, a CAR section). */
  where(at: number): Where;
  checkpoints: CheckpointInput[];
  /** Where a record that should follow the last one would be (for truncation reports), given the count read. */
  end(records: number): Where;
}

export interface CheckpointInput {
  bytes: Uint8Array;
  where: Where;
  /** The size the file name claims (stores), if any. */
  namedSize?: number;
  /** The CID the checkpoint is known by (CAR), for messages. */
  cid?: string;
}

export interface ReadCheckpoint {
  c: CheckpointInput;
  r: CheckpointReading;
}

export interface LogVerifyOptions {
  blocks: BlockTable;
  /** Kind used when a record links a block that is not there. */
  missingKind: FailureKind;
  /** Hex raw Ed25519 public keys that may sign; empty/undefined accepts any key that verifies. */
  trustedKeys?: { readonly size: number; has(rawHex: string): boolean };
  /**
   * The log was closed by its writer (store without a lock file): its final checkpoint covers every
   * record, so a record after the largest verified checkpoint was added later (`inserted`).
   */
  closed?: boolean;
}

/** A failure with the position it sorts at inside its log (record index * 10 + phase). */
export interface OrderedFailure {
  order: number;
  failure: VerifyFailure;
}

/** A cut or damage record: names another log, which must still exist. */
export interface TargetRef {
  target: string;
  type: 'cut' | 'damage' | 'unverified';
  seq: number;
  cid: string;
  where: Where;
}

export interface LogVerifyResult {
  log: string;
  records: number;
  /** CID of the last record stored (null for none). */
  last: string | null;
  checkpoints: number;
  /** Largest checkpoint size that verified (records covered by a good signature). */
  signedSize: number;
  /** The log's verified final checkpoint, if it was closed by a writer that sealed it (FORMAT.md 6.1). */
  seal?: Seal;
  /** Spans the exporter recorded as dropped (sum of `dropped` records' counts). */
  dropped: number;
  publicKeys: string[];
  failures: OrderedFailure[];
  notes: VerifyNote[];
  /** cut / damage records accepted into the chain. */
  targets: TargetRef[];
  /** True when the chain holds end to end (the streaming check sufficed). */
  streamed: boolean;
  /** Verified checkpoints of this log: size -> last record. */
  heads: Map<number, string | null>;
  /** What this log's witness records and signed checkpoints claim of other logs (FORMAT.md 3.6, 6.2). */
  witnesses: WitnessClaim[];
}
