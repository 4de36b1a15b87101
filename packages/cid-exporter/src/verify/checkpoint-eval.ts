/**
 * Judges a log's checkpoints against what its records proved (FORMAT.md section 6), the same way for
 * the streaming check and the precise one: signature and key, the log id and size it claims, the signed
 * Merkle root and last record, and truncation (a checkpoint signing more records than the log holds).
 */
import { didKeyOfHex } from '../key/did-key.js';
import type { VerifyFailure } from './failure.js';
import type { LogVerifyOptions, ReadCheckpoint, Where } from './log-input.js';
import type { WitnessClaim } from './witness-claims.js';

/** A verified final checkpoint (FORMAT.md section 6.1): the log was closed at `size` records, its pack at `packBytes`. */
export interface Seal {
  size: number;
  packBytes: number;
}

/** An accepted record, as checkpoint failures name it. */
export interface AcceptedRecord {
  index: number;
  where: Where;
  seq: number;
  cid: string;
}

export interface CheckpointContext {
  logId: string;
  /** Records stored (accepted or not). */
  recordCount: number;
  end: Where;
  /** The seq the next record would have: the verified length of the log. */
  nextSeq: number;
  acceptedCount: number;
  /** Lowest stored index with a record-level or link failure (Infinity when none). */
  firstRecordFailure: number;
  /** Merkle root (hex) over the first `size` accepted records. */
  rootAt(size: number): string;
  /** The accepted record at position i. */
  recordAt(i: number): AcceptedRecord;
}

/** Checkpoint readings in the order they are judged: by size, smallest first. */
export function sortReadings(readings: ReadCheckpoint[]): ReadCheckpoint[] {
  return readings.sort((a, b) => (a.r.statement?.size ?? a.c.namedSize ?? 0) - (b.r.statement?.size ?? b.c.namedSize ?? 0));
}

/** Sizes whose Merkle root and records a streaming check must keep as it passes them. */
export function sizesToWatch(readings: readonly ReadCheckpoint[], logId: string): Set<number> {
  const sizes = new Set<number>();
  for (const { r } of readings) if (r.ok && r.statement.log === logId) sizes.add(r.statement.size);
  return sizes;
}

export function evaluateCheckpoints(
  readings: readonly ReadCheckpoint[],
  ctx: CheckpointContext,
  opts: Pick<LogVerifyOptions, 'trustedKeys'>,
  add: (index: number, phase: number, failure: VerifyFailure) => void,
): { signedSize: number; publicKeys: Set<string>; seal?: Seal; heads: Map<number, string | null>; witnesses: WitnessClaim[] } {
  let signedSize = 0;
  /** Verified checkpoints' sizes and last records, and what signed checkpoints witness (FORMAT.md 6.2). */
  const heads = new Map<number, string | null>();
  const witnesses: WitnessClaim[] = [];
  let seal: Seal | undefined;
  const publicKeys = new Set<string>();
  let truncationReported = false;
  let mismatchReported = false;
  for (const { c, r } of readings) {
    const size = r.statement?.size ?? c.namedSize ?? 0;
    const order = Math.min(size, ctx.recordCount);
    const base = { ...c.where, log: ctx.logId, seq: size > 0 ? size - 1 : undefined, cid: c.cid };
    if (!r.ok) {
      add(order, 5, { kind: r.kind, ...base, detail: `checkpoint at size ${size}: ${r.detail}` });
      continue;
    }
    const st = r.statement;
    if (st.log !== ctx.logId) {
      add(order, 5, { kind: 'foreign record spliced in', ...base, detail: `checkpoint belongs to log ${st.log}, not ${ctx.logId}` });
      continue;
    }
    if (c.namedSize !== undefined && c.namedSize !== st.size) {
      add(order, 5, { kind: 'modified', ...base, detail: `file name says size ${c.namedSize} but the signed statement says ${st.size}` });
      continue;
    }
    if (opts.trustedKeys && opts.trustedKeys.size > 0 && !opts.trustedKeys.has(r.publicKeyHex)) {
      add(order, 5, {
        kind: 'bad signature',
        ...base,
        detail: `checkpoint at size ${st.size} is signed by key ${didKeyOfHex(r.publicKeyHex)}, which is not a trusted key`,
      });
      continue;
    }
    publicKeys.add(r.publicKeyHex);
    // signed with a trusted key: its witness holds whatever became of this log since
    for (const e of st.witness ?? []) witnesses.push({ ...e, by: { log: ctx.logId, where: c.where, checkpointSize: st.size } });
    if (st.size > ctx.nextSeq) {
      if (!truncationReported) {
        truncationReported = true;
        const lastGood = ctx.nextSeq;
        add(ctx.recordCount, 4, {
          kind: 'truncated since checkpoint',
          ...ctx.end,
          log: ctx.logId,
          seq: lastGood,
          cid: st.last ?? undefined,
          checkpoint: st.size,
          detail: `checkpoint ${(c.where.file ?? '') + (c.cid ? ` (${c.cid})` : '')} signs ${st.size} records (last ${st.last}) but the log ends after seq ${lastGood - 1}`,
        });
      }
      continue;
    }
    // the record-level checks already named what is wrong inside this checkpoint's range
    if (st.size > ctx.acceptedCount || ctx.firstRecordFailure < st.size) continue;
    const root = ctx.rootAt(st.size);
    const lastCid = st.size > 0 ? ctx.recordAt(st.size - 1).cid : null;
    if (root !== st.root || lastCid !== st.last) {
      if (!mismatchReported) {
        mismatchReported = true;
        const e = ctx.recordAt(Math.max(0, st.size - 1));
        add(e.index, 4, {
          kind: 'modified',
          ...e.where,
          log: ctx.logId,
          seq: e.seq,
          cid: e.cid,
          detail: `does not match checkpoint ${st.size}: signed last record ${st.last}, Merkle root ${root === st.root ? 'matches' : `${root} != signed ${st.root}`}`,
        });
      }
      continue;
    }
    signedSize = Math.max(signedSize, st.size);
    heads.set(st.size, st.last);
    if (st.closed && (!seal || st.size < seal.size)) seal = { size: st.size, packBytes: st.closed.packBytes };
  }
  return { signedSize, publicKeys, seal, heads, witnesses };
}

/**
 * After the checkpoints: records past the largest signed size are `inserted` in a closed log (its
 * final checkpoint covers everything), and only a note in a log a writer may still be adding to. A
 * sealed log (a verified final checkpoint) is closed whatever lock files say: every record after the
 * seal was added after close.
 */
export function coverage(
  ctx: CheckpointContext,
  signedSize: number,
  failures: number,
  closed: boolean | undefined,
  add: (index: number, phase: number, failure: VerifyFailure) => void,
  note: (n: { detail: string }) => void,
  seal?: Seal,
): void {
  if (failures !== 0) return;
  if (seal) {
    if (ctx.acceptedCount <= seal.size) return;
    const e = ctx.recordAt(seal.size);
    add(e.index, 4, {
      kind: 'inserted',
      ...e.where,
      log: ctx.logId,
      seq: e.seq,
      cid: e.cid,
      detail: `log was sealed at size ${seal.size} by its final checkpoint, but ${ctx.acceptedCount - seal.size} record(s) from seq ${seal.size} on follow it: added after close`,
    });
    return;
  }
  if (ctx.acceptedCount <= signedSize) return;
  if (closed) {
    const e = ctx.recordAt(signedSize);
    add(e.index, 4, {
      kind: 'inserted',
      ...e.where,
      log: ctx.logId,
      seq: e.seq,
      cid: e.cid,
      detail: `log was closed (no lock file) but ${ctx.acceptedCount - signedSize} record(s) from seq ${signedSize} on are not covered by a signed checkpoint (largest: size ${signedSize}): added after close, or the final checkpoint was removed`,
    });
  } else {
    note({ detail: `${ctx.acceptedCount - signedSize} record(s) after seq ${signedSize - 1} are chained but not yet covered by a signed checkpoint` });
  }
}
