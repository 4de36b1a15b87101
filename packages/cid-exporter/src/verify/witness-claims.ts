/**
 * Store-level witnessing as verify reads it (FORMAT.md sections 3.6 and 6.2): every `witness` record and
 * every verified checkpoint's `witness` list claims that another log existed and that its checkpoint at
 * `size` named `last`. A claimed log that is gone, has fewer records than claimed, or another record at
 * the claimed position was deleted, truncated or rewritten after its witness saw it.
 *
 * Claims are kept once per distinct (log, size, last), with the first witness that made each and how
 * many made it, so memory follows the number of distinct heads, not logs times witnesses.
 */
import { LOG_ID_PATTERN } from '../record.js';
import type { VerifyFailure } from './failure.js';
import type { Where } from './log-input.js';

/** Who made a claim: a witness record, or a log's checkpoint. */
export interface WitnessSource {
  log: string;
  where: Where;
  /** The witness record's seq and CID. */
  seq?: number;
  cid?: string;
  /** The checkpoint's size (a claim from a checkpoint). */
  checkpointSize?: number;
  /** A claim from a store head recorded earlier (`verify --expect-head FILE`): that file. */
  anchor?: string;
}

export interface WitnessClaim {
  log: string;
  size: number;
  last: string | null;
  by: WitnessSource;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The entries of a `witness` record's `logs` or a statement's `witness` (already parsed), or why they are
 * not well formed: a list of `{"last": <CID string> | null, "log": <log id>,
 * "size": <int>}` with `last` null exactly when `size` is 0, ids ascending.
 */
export function parseWitnessEntries(value: unknown): Array<{ log: string; size: number; last: string | null }> | string {
  if (!Array.isArray(value)) return 'not a list';
  const out: Array<{ log: string; size: number; last: string | null }> = [];
  for (const [i, e] of value.entries()) {
    if (!isMap(e) || Object.keys(e).length !== 3) return `entry ${i} is not {"last", "log", "size"}`;
    const { log, size, last } = e;
    if (typeof log !== 'string' || !LOG_ID_PATTERN.test(log)) return `entry ${i}: log is not a log id`;
    if (i > 0 && !(out[i - 1]!.log < log)) return `entry ${i}: log ids are not in ascending order`;
    if (!Number.isSafeInteger(size) || (size as number) < 0) return `entry ${i}: size is not a non-negative integer`;
    let lastCid: string | null = null;
    if (last !== null) {
      if (typeof last !== 'string' || !/^b[a-z2-7]+$/.test(last)) return `entry ${i}: last is neither a CID string nor null`;
      lastCid = last;
    }
    if ((size === 0) !== (lastCid === null)) return `entry ${i}: last must be null exactly when size is 0`;
    out.push({ log, size: size as number, last: lastCid });
  }
  return out;
}

/** How a witness is named in a failure. */
export function describeWitness(by: WitnessSource): string {
  if (by.anchor !== undefined) return `the expected store head (${by.anchor})`;
  const at = `${by.where.file}${by.where.line !== undefined ? `:${by.where.line}` : ''}${by.where.section !== undefined ? ` section ${by.where.section}` : ''}`;
  if (by.checkpointSize !== undefined) return `log ${by.log}'s checkpoint at size ${by.checkpointSize} (${at})`;
  return `log ${by.log}'s witness record (${at}, seq ${by.seq}, cid ${by.cid})`;
}

function sawText(size: number, last: string | null): string {
  return size === 0 ? 'before its first checkpoint' : `with ${size} records, last ${last}`;
}

/** What verify knows of a log once it has read it. */
export interface WitnessedLog {
  /** Records the log holds now. */
  records: number;
  /** Verified checkpoints: size -> last record. */
  heads: ReadonlyMap<number, string | null>;
  /** Where the log's records are (for failure positions). */
  file: string;
  where(line: number): Where;
}

export class WitnessClaims {
  private readonly byLog = new Map<string, Map<string, { claim: WitnessClaim; count: number }>>();
  /** Claims made, duplicates included; those from an expected store head. */
  total = 0;
  anchored = 0;

  add(claim: WitnessClaim): void {
    this.total++;
    if (claim.by.anchor !== undefined) this.anchored++;
    let m = this.byLog.get(claim.log);
    if (!m) this.byLog.set(claim.log, (m = new Map<string, { claim: WitnessClaim; count: number }>()));
    const key = `${claim.size} ${claim.last ?? ''}`;
    const had = m.get(key);
    if (had) had.count++;
    else m.set(key, { claim, count: 1 });
  }

  /**
   * One failure per witnessed log that is gone, shorter than a claim, or holds another record where a
   * claim names one. `present(log)` gives what verify read of a log (undefined: no log file and no
   * checkpoint); `cidsAt(log, positions)` reads the record CIDs at positions no verified checkpoint vouches for.
   */
  check(
    present: (log: string) => WitnessedLog | undefined,
    cidsAt: (log: string, positions: number[]) => Map<number, string>,
    missing: (log: string) => { file: string; why: string },
  ): Array<{ log: string; gone: boolean; failure: VerifyFailure }> {
    const out: Array<{ log: string; gone: boolean; failure: VerifyFailure }> = [];
    for (const [log, claims] of [...this.byLog].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      // largest claim first: it says most about what was there
      const list = [...claims.values()].sort((a, b) => b.claim.size - a.claim.size);
      const others = list.reduce((n, x) => n + x.count, 0) - 1;
      const more = others > 0 ? ` (and ${others} more claim${others === 1 ? '' : 's'})` : '';
      const info = present(log);
      if (!info) {
        const { claim } = list[0]!;
        const gone = missing(log);
        out.push({
          log,
          gone: true,
          failure: {
            kind: 'deleted',
            file: gone.file,
            log,
            detail: `log ${log} is missing (${gone.why}) but ${describeWitness(claim.by)} saw it ${sawText(claim.size, claim.last)}${more}: the whole log was deleted`,
          },
        });
        continue;
      }
      const short = list.find((c) => c.claim.size > info.records);
      if (short) {
        const { claim } = short;
        out.push({
          log,
          gone: false,
          failure: {
            kind: 'deleted',
            ...info.where(info.records + 1),
            log,
            seq: info.records,
            detail: `log ${log} has ${info.records} records but ${describeWitness(claim.by)} saw it ${sawText(claim.size, claim.last)}${more}: records were removed from its end`,
          },
        });
        continue;
      }
      const unvouched = list.filter((c) => c.claim.size > 0 && info.heads.get(c.claim.size) !== c.claim.last);
      if (unvouched.length === 0) continue;
      const cids = cidsAt(
        log,
        unvouched.map((c) => c.claim.size - 1),
      );
      const wrong = unvouched.find((c) => cids.get(c.claim.size - 1) !== c.claim.last);
      if (!wrong) continue;
      const { claim } = wrong;
      out.push({
        log,
        gone: false,
        failure: {
          kind: 'modified',
          ...info.where(claim.size),
          log,
          seq: claim.size - 1,
          cid: cids.get(claim.size - 1),
          detail: `record ${claim.size - 1} of log ${log} is not the one ${describeWitness(claim.by)} saw there (${claim.last})${more}: the log was rewritten`,
        },
      });
    }
    return out;
  }
}
