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
  /** Every failure, first failure first. */
  failures: VerifyFailure[];
  notes: VerifyNote[];
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
}
