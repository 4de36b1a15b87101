/**
 * Walks one log's records in stored order and checks the `seq` / `prev` hash chain, telling apart the
 * ways a chain can be broken from the evidence the links leave behind:
 *
 * - modified:  a record's bytes changed, so its CID is no longer the `prev` its successor recorded
 *              (or its own seq no longer fits a correct prev link);
 * - deleted:   seq jumps and the successor's `prev` names a CID that is nowhere in the log;
 * - reordered: seq jumps (or repeats) and the `prev` names a record that IS in the log, elsewhere;
 * - inserted:  an extra line: an exact duplicate, or a record whose seq is already taken and whose CID
 *              no other record links to;
 * - foreign record spliced in: a record carrying another log id.
 *
 * After a break the walk resynchronises on the next plausible record so later, independent breaks are
 * still listed; only the first is guaranteed to be named precisely.
 */
import type { VerifyFailure } from './failure.js';

/** A record as the chain walk sees it. `where` locates it (file + line, or CAR section). */
export interface ChainEntry {
  cid: string;
  seq: number;
  prev: string | null;
  log: string;
  where: Pick<VerifyFailure, 'file' | 'line' | 'section' | 'offset'>;
  /** Position in the stored order (used to sort failures). */
  index: number;
}

/** A chain failure and the stored position it is about. */
export interface ChainFailure {
  index: number;
  failure: VerifyFailure;
}

export interface ChainResult {
  failures: ChainFailure[];
  /** The records accepted as the log, in seq order (what Merkle roots are recomputed over). */
  accepted: ChainEntry[];
  /** The seq the next record would have: the verified length of the log. */
  nextSeq: number;
}

function fail(kind: VerifyFailure['kind'], e: ChainEntry, detail: string, extra: Partial<VerifyFailure> = {}): ChainFailure {
  return { index: e.index, failure: { kind, ...e.where, log: e.log, seq: e.seq, cid: e.cid, detail, ...extra } };
}

/** Checks the chain of `entries` (one log, stored order) written by log `logId`. */
export function walkChain(logId: string, entries: readonly ChainEntry[]): ChainResult {
  const byCid = new Map<string, number[]>();
  const referenced = new Map<string, number[]>();
  const bySeq = new Map<number, number[]>();
  entries.forEach((e, i) => {
    push(byCid, e.cid, i);
    if (e.prev !== null) push(referenced, e.prev, i);
    push(bySeq, e.seq, i);
  });
  const isReferenced = (cid: string): boolean => referenced.has(cid);

  const failures: ChainFailure[] = [];
  const accepted: ChainEntry[] = [];
  let expected = 0;
  let prevCid: string | null = null;
  let prevIndex = -1;
  const adopt = (i: number): void => {
    const e = entries[i]!;
    accepted.push(e);
    expected = e.seq + 1;
    prevCid = e.cid;
    prevIndex = i;
  };

  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.log !== logId) {
      failures.push(fail('foreign record spliced in', e, `record belongs to log ${e.log}, not ${logId}`));
      continue;
    }
    const seqOk = e.seq === expected;
    const prevOk = e.prev === prevCid;
    if (seqOk && prevOk) {
      // A forged record can carry the right seq and prev; the genuine one is the one its successor links to.
      const rivals = (bySeq.get(e.seq) ?? []).filter((j) => j !== i && entries[j]!.log === logId && entries[j]!.prev === e.prev);
      if (!isReferenced(e.cid) && rivals.some((j) => isReferenced(entries[j]!.cid))) {
        failures.push(fail('inserted', e, `seq ${e.seq} also appears elsewhere and only that record is linked by its successor`));
        continue;
      }
      adopt(i);
      continue;
    }
    if (seqOk && !prevOk) {
      const elsewhere = e.prev === null ? undefined : byCid.get(e.prev)?.find((j) => j !== prevIndex);
      if (e.prev === null || prevIndex < 0) {
        failures.push(fail('modified', e, `prev is ${e.prev === null ? 'null' : e.prev} but should be ${prevCid ?? 'null'}`));
      } else if (elsewhere !== undefined) {
        failures.push(fail('reordered', e, `prev links the record stored at ${describe(entries[elsewhere]!)}, not the one before it`));
      } else if (!isReferenced(e.cid) && i < entries.length - 1) {
        // Nothing links to this record either: its own bytes changed (its prev field among them).
        failures.push(fail('modified', e, `prev ${e.prev} matches no record and no record links to this one`));
      } else {
        const p = entries[prevIndex]!;
        failures.push(fail('modified', p, `content no longer hashes to ${e.prev}, the prev recorded by seq ${e.seq}`));
      }
      adopt(i);
      continue;
    }
    if (e.seq > expected) {
      const at = e.prev === null ? undefined : byCid.get(e.prev)?.[0];
      const copy = byCid.get(e.cid)!.find((j) => j !== i);
      if (copy !== undefined) {
        // The same record also sits further on, where its seq fits: this one is the extra copy.
        failures.push(fail('inserted', e, `copy of the record at ${describe(entries[copy]!)}, placed where seq ${expected} belongs`));
        continue;
      }
      if (prevOk) {
        failures.push(fail('modified', e, `seq is ${e.seq} but prev links seq ${expected - 1}; expected seq ${expected}`));
      } else if (at !== undefined) {
        failures.push(fail('reordered', e, `expected seq ${expected}; prev links the record stored at ${describe(entries[at]!)}`));
      } else {
        const missing = e.seq - expected;
        failures.push(
          fail('deleted', e, `${missing === 1 ? `seq ${expected} is` : `seqs ${expected}..${e.seq - 1} are`} missing before this record`, {
            seq: expected,
            cid: missing === 1 && e.prev !== null ? e.prev : undefined,
          }),
        );
      }
      adopt(i);
      continue;
    }
    // e.seq < expected: a seq that was already used.
    const dup = byCid.get(e.cid)!.find((j) => j < i);
    if (dup !== undefined) {
      failures.push(fail('inserted', e, `exact duplicate of the record at ${describe(entries[dup]!)}`));
    } else if (prevOk && isReferenced(e.cid)) {
      failures.push(fail('modified', e, `seq is ${e.seq} but prev links seq ${expected - 1}; expected seq ${expected}`));
      adopt(i);
    } else if (isReferenced(e.cid)) {
      failures.push(fail('reordered', e, `seq ${e.seq} belongs before seq ${expected - 1}`));
    } else {
      failures.push(fail('inserted', e, `seq ${e.seq} is already taken and no record links to this one`));
    }
  }
  return { failures, accepted, nextSeq: expected };
}

function push<K>(map: Map<K, number[]>, key: K, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

function describe(e: ChainEntry): string {
  if (e.where.line !== undefined) return `line ${e.where.line}`;
  if (e.where.section !== undefined) return `section ${e.where.section}`;
  return `seq ${e.seq}`;
}
