/** The result of verifying a store or a CAR export. */
import type { VerifyFailure, VerifyNote } from './failure.js';

export interface VerifiedLog {
  log: string;
  /** Store: `logs/<id>.jsonl`; CAR: the CAR path. */
  file: string;
  records: number;
  checkpoints: number;
  /** Number of leading records covered by a checkpoint that verified. */
  signedSize: number;
  /** Spans the exporter recorded as dropped under back-pressure (sum of its `dropped` records). */
  dropped: number;
}

export interface VerifyReport {
  /** True only when there is no failure at all. */
  ok: boolean;
  type: 'store' | 'car';
  /** The store directory or CAR file verified. */
  source: string;
  logs: VerifiedLog[];
  /** Blocks hash-checked (pack sections or CAR sections). */
  blocks: number;
  /** Ed25519 public keys whose signatures verified, as `did:key` (src/key/did-key.ts). */
  publicKeys: string[];
  /**
   * Every log as verify found it (records held, last record), sorted by id, and the CID of that list:
   * record it elsewhere and pass it back with `expectHead` (FORMAT.md section 10.1).
   */
  storeHead: StoreHead;
  /** Every failure, first failure first. */
  failures: VerifyFailure[];
  notes: VerifyNote[];
}

/** One log of a store head (FORMAT.md section 10.1): the same shape as a witness entry (section 3.6). */
export interface StoreHeadEntry {
  last: string | null;
  log: string;
  size: number;
}

export interface StoreHead {
  /** CID (dag-json) of `{"logs": [...], "type": "llm-provenance/store-head", "v": 1}`. */
  cid: string;
  logs: StoreHeadEntry[];
}

/** Options shared by store and CAR verification. */
export interface VerifyOptions {
  /**
   * Ed25519 public keys allowed to sign checkpoints, as `did:key:z6Mk...` (`llm-provenance key export`). When
   * omitted, a store is checked against the public key of its own `keys/ed25519.pem` (if readable) and a
   * CAR accepts any key that verifies (its keys are listed in the report so they can be compared).
   */
  trustedKeys?: readonly string[];
  /** Size of the read window in bytes (default 1 MiB); files are streamed through it. */
  chunkSize?: number;
  /**
   * A store head recorded earlier (`report.storeHead`, FORMAT.md section 10.1): every log it lists must
   * still hold its records, as if that head were one more witness. `source` names it in failures.
   */
  expectHead?: { source: string; logs: readonly StoreHeadEntry[] };
}
