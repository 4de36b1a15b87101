/**
 * Record shapes as stored (FORMAT.md section 3). Values are DAG-JSON data model values: links are
 * {@link CID} instances when built by the writer and `{"/": "<cid>"}` objects when parsed from a file.
 */
import type { CID } from './cid.js';

export const FORMAT_VERSION = 2;

/** A link as written by us (CID) or as read back with JSON.parse. */
export type Link = CID | { '/': string };

/** DAG-JSON data model value (after normalisation). */
export type DagValue = null | boolean | number | string | Uint8Array | Link | DagValue[] | { [key: string]: DagValue };
export type DagMap = { [key: string]: DagValue };

export type SpanKindName = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type StatusCodeName = 'UNSET' | 'OK' | 'ERROR';

interface RecordBase {
  v: 2;
  log: string;
  seq: number;
  prev: Link | null;
}

export interface SpanRecord extends RecordBase {
  type: 'span';
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  traceFlags: number;
  name: string;
  kind: SpanKindName;
  /** Unix nanoseconds, decimal string. */
  start: string;
  end: string;
  status: { code: StatusCodeName; message: string | null };
  attributes: DagMap;
  /** Link to a dag-json block holding the normalised resource attributes (one block per resource). */
  resource: Link;
  scope: { name: string; version: string | null; schemaUrl: string | null };
  events: { name: string; time: string; attributes: DagMap }[];
  links: { traceId: string; spanId: string; attributes: DagMap }[];
  input: Link | null;
  params: Link | null;
  output: Link | null;
  dropped: string[];
}

export interface CutRecord extends RecordBase {
  type: 'cut';
  time: string;
  target: string;
  file: string;
  offset: number;
  length: number;
  sha256: string;
  block: Link;
}

export interface DamageRecord extends RecordBase {
  type: 'damage';
  time: string;
  target: string;
  file: string;
  line: number;
  reason: string;
}

/** Spans the span processor had to drop (queue full), written with the next batch that is stored. */
export interface DroppedRecord extends RecordBase {
  type: 'dropped';
  time: string;
  /** Spans dropped since the previous `dropped` record of this log. */
  count: number;
  reason: string;
}

/**
 * One other log as a writer saw it (FORMAT.md section 3.6): the log existed, and its checkpoint at `size`
 * records named `last` as its last record (`size` 0, `last` null: no checkpoint could be read cheaply).
 * `last` is a CID string, not a link: it names a record, not a block any pack holds.
 */
export interface WitnessEntry {
  last: string | null;
  log: string;
  size: number;
}

/** A new log's first record when other logs are in the store: the logs it saw (FORMAT.md section 3.6). */
export interface WitnessRecord extends RecordBase {
  type: 'witness';
  time: string;
  /** Sorted by log id. */
  logs: WitnessEntry[];
}

export type ProvenanceRecord = SpanRecord | CutRecord | DamageRecord | DroppedRecord | WitnessRecord;

/** The signed part of a checkpoint (FORMAT.md section 6). */
export interface CheckpointStatement {
  v: 2;
  type: 'checkpoint';
  log: string;
  size: number;
  /** RFC 6962 root, 64 lower-case hex. */
  root: string;
  last: Link | null;
  time: string;
  /** sha256 of the raw public key, 64 lower-case hex. */
  key: string;
  /** Present only on a log's final checkpoint (FORMAT.md section 6.1): the log is sealed at this size. */
  closed?: CheckpointSeal;
  /**
   * The other logs the writer saw when it wrote this checkpoint that its log's witness record does not
   * already name as they are now (FORMAT.md section 6.2), sorted by log id; absent when there are none.
   */
  witness?: WitnessEntry[];
}

/** What a final checkpoint seals besides the records: the byte length of the log's pack. */
export interface CheckpointSeal {
  packBytes: number;
}

export interface CheckpointFile {
  statement: CheckpointStatement;
  signature: Uint8Array;
  publicKey: Uint8Array;
}

/** Regex a log id matches. */
export const LOG_ID_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[0-9]+-[0-9a-f]{8}$/;

/** Store-relative paths (FORMAT.md section 1). */
export const storePaths = {
  logsDir: 'logs',
  blocksDir: 'blocks',
  checkpointsDir: 'checkpoints',
  keysDir: 'keys',
  log: (logId: string) => `logs/${logId}.jsonl`,
  lock: (logId: string) => `logs/${logId}.lock`,
  recovered: (logId: string) => `logs/${logId}.recovered`,
  pack: (logId: string) => `blocks/${logId}.blocks`,
  checkpoint: (logId: string, size: number) => `checkpoints/${logId}.${String(size).padStart(12, '0')}.json`,
  key: 'keys/ed25519.pem',
} as const;

/** Current time as unix nanoseconds, decimal string. */
export function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n).toString();
}
