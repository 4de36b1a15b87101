/**
 * What verify reports. A failure names where (file, line or CAR section, seq, CID) and what kind of
 * break it is; the first failure found is the headline, the rest are listed after it.
 */

/** Every kind of break verify can name. */
export type FailureKind =
  | 'modified'
  | 'deleted'
  | 'reordered'
  | 'inserted'
  | 'truncated since checkpoint'
  | 'foreign record spliced in'
  | 'missing payload'
  | 'bad signature'
  | 'non-canonical encoding'
  | 'disallowed cid'
  // CAR container problems
  | 'truncated'
  | 'extra block'
  | 'duplicate block'
  | 'missing block'
  | 'missing root'
  | 'multiple roots';

export interface VerifyFailure {
  kind: FailureKind;
  /** Path of the file the break is in (a log, a block, a checkpoint file or the CAR). */
  file: string;
  /** 1-based line in a JSON Lines file. */
  line?: number;
  /** 0-based section index inside a CAR file, and its byte offset. */
  section?: number;
  offset?: number;
  /** Log id and sequence number of the record concerned. */
  log?: string;
  seq?: number;
  /** CID of what is there (or, for a deletion, of what is missing). */
  cid?: string;
  /** For truncation: the checkpoint (by its index in the log's checkpoints, 0-based) that proves it. */
  checkpoint?: number;
  /** Human explanation of the evidence. */
  detail: string;
}

/** Something noteworthy that is not a failure, e.g. a torn tail that was cut and recorded. */
export interface VerifyNote {
  file: string;
  line?: number;
  log?: string;
  seq?: number;
  detail: string;
}

/** One-line rendering used by the CLI: `<kind>: <file>:<line> seq <n> cid <cid> — <detail>`. */
export function formatFailure(f: VerifyFailure): string {
  const kind = f.kind === 'truncated since checkpoint' ? `truncated since checkpoint ${f.checkpoint}` : f.kind;
  let where = f.file;
  if (f.line !== undefined) where += `:${f.line}`;
  if (f.section !== undefined) where += ` section ${f.section} (byte ${f.offset})`;
  const parts = [`${kind}: ${where}`];
  if (f.seq !== undefined) parts.push(`seq ${f.seq}`);
  if (f.cid !== undefined) parts.push(`cid ${f.cid}`);
  return `${parts.join(' ')} - ${f.detail}`;
}
