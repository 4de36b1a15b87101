/**
 * Verifies one log from its stored bytes: per record, the CID over the stored line, canonical DAG-JSON,
 * record shape, the log id, the seq/prev chain and every payload link; then each checkpoint's
 * signature and Merkle root, and whether the log is shorter than a checkpoint proves it was.
 * Used for stores (lines of a .jsonl file) and CAR exports (record blocks listed by the manifest).
 */
import { dagJsonCid } from '../cid.js';
import { decodeDagJson } from '../dag-json/index.js';
import { canonicalDagJson } from './canonical.js';
import { MerkleAccumulator, merkleRoot } from '../merkle.js';
import { walkChain, type ChainEntry } from './chain.js';
import { readCheckpoint } from './checkpoint-check.js';
import type { VerifyFailure, VerifyNote } from './failure.js';
import { findLinks, isLink, type LinkResolver } from './links.js';

export type Where = Pick<VerifyFailure, 'file' | 'line' | 'section' | 'offset'>;

export interface RecordInput {
  /** The record's stored bytes (a log line without its newline, or a CAR block). */
  bytes: Uint8Array;
  where: Where;
}

export interface CheckpointInput {
  bytes: Uint8Array;
  where: Where;
  /** The size the file name claims (stores), if any. */
  namedSize?: number;
  /** The CID the checkpoint is known by (CAR), for messages. */
  cid?: string;
}

export interface LogInput {
  logId: string;
  records: RecordInput[];
  checkpoints: CheckpointInput[];
  /** Where a record that should follow the last one would be (for truncation reports). */
  end: Where;
}

export interface LogVerifyOptions {
  resolver: LinkResolver;
  /** Kind used when a record links a block that is not there. */
  missingKind: VerifyFailure['kind'];
  /** Hex raw Ed25519 public keys that may sign; empty/undefined accepts any key that verifies. */
  trustedKeys?: { readonly size: number; has(rawHex: string): boolean };
  /** Every block CID reached is added here (CAR: to find extra blocks). */
  seen?: Set<string>;
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

export interface LogVerifyResult {
  log: string;
  records: number;
  checkpoints: number;
  /** Largest checkpoint size that verified (records covered by a good signature). */
  signedSize: number;
  publicKeys: string[];
  failures: OrderedFailure[];
  notes: VerifyNote[];
  /** Decoded records accepted into the chain, in order (for query / export). */
  accepted: Array<{ cid: string; record: Record<string, unknown>; where: Where }>;
}

interface Parsed {
  index: number;
  cid: string;
  bytes: Uint8Array;
  where: Where;
  record?: Record<string, unknown>;
  canonicalCid?: string;
}

const RECORD_TYPES = new Set(['span', 'cut', 'damage', 'dropped']);

function shapeProblem(r: unknown): string | undefined {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'not a map';
  const rec = r as Record<string, unknown>;
  if (rec.v !== 2) return `unsupported record version ${JSON.stringify(rec.v)}`;
  if (typeof rec.type !== 'string' || !RECORD_TYPES.has(rec.type)) return `unknown record type ${JSON.stringify(rec.type)}`;
  if (typeof rec.log !== 'string') return 'no log id';
  if (!Number.isSafeInteger(rec.seq) || (rec.seq as number) < 0) return 'seq is not a non-negative integer';
  if (rec.prev !== null && !isLink(rec.prev)) return 'prev is neither a link nor null';
  return undefined;
}

export function verifyLog(input: LogInput, opts: LogVerifyOptions): LogVerifyResult {
  const failures: OrderedFailure[] = [];
  const notes: VerifyNote[] = [];
  const add = (index: number, phase: number, failure: VerifyFailure): void => {
    failures.push({ order: index * 10 + phase, failure });
  };

  // Pass 1: CID over stored bytes, decode, canonical form, shape.
  const parsed: Parsed[] = input.records.map((r, index) => {
    const p: Parsed = { index, cid: dagJsonCid(r.bytes).toString(), bytes: r.bytes, where: r.where };
    const text = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).toString('utf8');
    let value: unknown;
    try {
      value = decodeDagJson(text);
    } catch (err) {
      add(index, 0, { kind: 'modified', ...r.where, log: input.logId, seq: index, cid: p.cid, detail: `not valid DAG-JSON: ${(err as Error).message}` });
      return p;
    }
    const problem = shapeProblem(value);
    if (problem) {
      add(index, 0, { kind: 'modified', ...r.where, log: input.logId, seq: index, cid: p.cid, detail: `not a record: ${problem}` });
      return p;
    }
    p.record = value as Record<string, unknown>;
    const canonical = canonicalDagJson(value);
    if (canonical !== text) p.canonicalCid = canonical === undefined ? '' : dagJsonCid(canonical).toString();
    return p;
  });

  // A record whose bytes are not canonical but whose canonical re-encoding is exactly what its successor
  // links to kept its content and only lost its encoding; anything else is a content change (modified).
  const entries: ChainEntry[] = [];
  parsed.forEach((p, i) => {
    if (!p.record) return;
    let cid = p.cid;
    if (p.canonicalCid !== undefined) {
      const next = parsed.slice(i + 1).find((q) => q.record);
      const nextPrev = next && isLink(next.record!.prev) ? (next.record!.prev as { '/': string })['/'] : undefined;
      if (p.canonicalCid && (nextPrev === undefined || nextPrev === p.canonicalCid)) {
        add(i, 1, {
          kind: 'non-canonical encoding',
          ...p.where,
          log: input.logId,
          seq: p.record.seq as number,
          cid: p.cid,
          detail: `bytes are not canonical DAG-JSON; the canonical encoding has CID ${p.canonicalCid}`,
        });
        cid = p.canonicalCid;
      }
    }
    entries.push({
      cid,
      seq: p.record.seq as number,
      prev: p.record.prev === null ? null : (p.record.prev as { '/': string })['/'],
      log: p.record.log as string,
      where: p.where,
      index: i,
    });
  });

  // Pass 2: the chain.
  const chain = walkChain(input.logId, entries);
  for (const f of chain.failures) add(f.index, 2, f.failure);

  // Pass 3: payload links of every record (foreign ones too: their links must still resolve).
  for (const p of parsed) {
    if (!p.record) continue;
    const owner = { ...p.where, log: input.logId, seq: p.record.seq as number };
    const links = findLinks(p.record).filter((l) => l.path !== 'prev');
    for (const link of links) {
      for (const f of opts.resolver.resolve(link, owner, opts.missingKind, opts.seen)) add(p.index, 3, f);
    }
    if (p.record.type === 'cut') {
      const r = p.record;
      notes.push({
        ...p.where,
        log: input.logId,
        seq: r.seq as number,
        detail: `recorded cut: ${String(r.length)} bytes cut from ${String(r.file)} at byte ${String(r.offset)} (log ${String(r.target)}), kept as block ${isLink(r.block) ? r.block['/'] : '?'}`,
      });
    } else if (p.record.type === 'damage') {
      const r = p.record;
      notes.push({ ...p.where, log: input.logId, seq: r.seq as number, detail: `recorded damage: ${String(r.file)} line ${String(r.line)}: ${String(r.reason)}` });
    }
  }

  // Pass 4: checkpoints, smallest first.
  const accepted = chain.accepted;
  const acceptedParsed = accepted.map((e) => parsed[e.index]!);
  // Checkpoints are visited by ascending size, so one incremental tree serves them all.
  const tree = new MerkleAccumulator();
  const rootAt = (n: number): string => {
    if (n < tree.size) return merkleRoot(acceptedParsed.slice(0, n).map((p) => dagJsonCid(p.bytes).bytes)).toString('hex');
    while (tree.size < n) tree.add(dagJsonCid(acceptedParsed[tree.size]!.bytes).bytes);
    return tree.root().toString('hex');
  };
  const readings = input.checkpoints
    .map((c) => ({ c, r: readCheckpoint(c.bytes) }))
    .sort((a, b) => (a.r.statement?.size ?? a.c.namedSize ?? 0) - (b.r.statement?.size ?? b.c.namedSize ?? 0));
  const firstChainBreak = chain.failures.reduce((m, f) => Math.min(m, f.index), Number.POSITIVE_INFINITY);
  const firstRecordFailure = failures.reduce((m, f) => Math.min(m, Math.floor(f.order / 10)), firstChainBreak);
  const chainBrokenBefore = (size: number): boolean => firstRecordFailure < size;
  let signedSize = 0;
  const publicKeys = new Set<string>();
  let truncationReported = false;
  let mismatchReported = false;
  for (const { c, r } of readings) {
    const size = r.statement?.size ?? c.namedSize ?? 0;
    const order = Math.min(size, input.records.length);
    const base = { ...c.where, log: input.logId, seq: size > 0 ? size - 1 : undefined, cid: c.cid };
    if (!r.ok) {
      add(order, 5, { kind: r.kind, ...base, detail: `checkpoint at size ${size}: ${r.detail}` });
      continue;
    }
    const st = r.statement;
    if (st.log !== input.logId) {
      add(order, 5, { kind: 'foreign record spliced in', ...base, detail: `checkpoint belongs to log ${st.log}, not ${input.logId}` });
      continue;
    }
    if (c.namedSize !== undefined && c.namedSize !== st.size) {
      add(order, 5, { kind: 'modified', ...base, detail: `file name says size ${c.namedSize} but the signed statement says ${st.size}` });
      continue;
    }
    if (opts.trustedKeys && opts.trustedKeys.size > 0 && !opts.trustedKeys.has(r.publicKeyHex)) {
      add(order, 5, { kind: 'bad signature', ...base, detail: `checkpoint at size ${st.size} is signed by key ${st.key}, which is not a trusted key` });
      continue;
    }
    publicKeys.add(r.publicKeyHex);
    if (st.size > chain.nextSeq) {
      if (!truncationReported) {
        truncationReported = true;
        const lastGood = chain.nextSeq;
        add(input.records.length, 4, {
          kind: 'truncated since checkpoint',
          ...input.end,
          log: input.logId,
          seq: lastGood,
          cid: st.last ?? undefined,
          checkpoint: st.size,
          detail: `checkpoint ${(c.where.file ?? '') + (c.cid ? ` (${c.cid})` : '')} signs ${st.size} records (last ${st.last}) but the log ends after seq ${lastGood - 1}`,
        });
      }
      continue;
    }
    if (st.size > accepted.length || chainBrokenBefore(st.size)) {
      // The chain walk already named what is wrong inside this checkpoint's range.
      continue;
    }
    const root = rootAt(st.size);
    const lastCid = st.size > 0 ? accepted[st.size - 1]!.cid : null;
    if (root !== st.root || lastCid !== st.last) {
      if (!mismatchReported) {
        mismatchReported = true;
        const e = accepted[Math.max(0, st.size - 1)]!;
        add(e.index, 4, {
          kind: 'modified',
          ...e.where,
          log: input.logId,
          seq: e.seq,
          cid: e.cid,
          detail: `does not match checkpoint ${st.size}: signed last record ${st.last}, Merkle root ${root === st.root ? 'matches' : `${root} != signed ${st.root}`}`,
        });
      }
      continue;
    }
    signedSize = Math.max(signedSize, st.size);
  }
  if (failures.length === 0 && accepted.length > signedSize && opts.closed) {
    const e = accepted[signedSize]!;
    add(e.index, 4, {
      kind: 'inserted',
      ...e.where,
      log: input.logId,
      seq: e.seq,
      cid: e.cid,
      detail: `log was closed (no lock file) but ${accepted.length - signedSize} record(s) from seq ${signedSize} on are not covered by a signed checkpoint (largest: size ${signedSize}): added after close, or the final checkpoint was removed`,
    });
  } else if (failures.length === 0 && accepted.length > signedSize) {
    notes.push({
      ...input.end,
      log: input.logId,
      detail: `${accepted.length - signedSize} record(s) after seq ${signedSize - 1} are chained but not yet covered by a signed checkpoint`,
    });
  }

  return {
    log: input.logId,
    records: input.records.length,
    checkpoints: input.checkpoints.length,
    signedSize,
    publicKeys: [...publicKeys],
    failures,
    notes,
    accepted: acceptedParsed.map((p) => ({ cid: p.cid, record: p.record!, where: p.where })),
  };
}
