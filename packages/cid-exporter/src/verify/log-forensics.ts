/**
 * The precise check of a log whose chain does not hold: it keeps one small entry per record (CID, seq,
 * prev, location: O(records of this log)) so that ./chain.ts can tell a modified record from a deleted,
 * reordered or inserted one by the links the others leave, and names the first broken record exactly.
 * Only logs the streaming check (./log-stream.ts) gave up on come here.
 */
import { parseJsonStrict } from '../dag-json/parse.js';
import { DagJsonScan } from '../dag-json/validate.js';
import { sha256Latin1 } from '../read/sha256.js';
import { canonicalDagJson } from './canonical.js';
import { walkChain, type ChainEntry } from './chain.js';
import { coverage, evaluateCheckpoints, type CheckpointContext } from './checkpoint-eval.js';
import type { VerifyFailure } from './failure.js';
import type { LogInput, LogVerifyOptions, LogVerifyResult, OrderedFailure, ReadCheckpoint, Where } from './log-input.js';
import { LazyLinkPaths } from './block-table.js';
import { MerkleTree } from './merkle-tree.js';
import { READ_FORMAT_VERSION, RECORD_TYPES } from './record-check.js';
import { RecordNotes } from './record-notes.js';
import { recordCid } from './log-stream.js';

interface Parsed {
  index: number;
  cid: string;
  digest: string;
  where: Where;
  /** Decoded when the record parses and has a record's shape. */
  type?: string;
  seq?: number;
  prev?: string | null;
  log?: string;
  /** For cut / damage / dropped records: the decoded record (notes). */
  record?: Record<string, unknown>;
  /** CID of the canonical encoding, when the stored bytes are not canonical ('' when there is none). */
  canonicalCid?: string;
  canonicalDigest?: string;
}

const RECORD_TYPE_SET = new Set<string>(RECORD_TYPES);
const scan = new DagJsonScan();

const isLink = (v: unknown): v is { '/': string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { '/'?: unknown })['/'] === 'string';

function shapeProblem(r: unknown): string | undefined {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'not a map';
  const rec = r as Record<string, unknown>;
  if (rec.v !== READ_FORMAT_VERSION) return `unsupported record version ${JSON.stringify(rec.v)}`;
  if (typeof rec.type !== 'string' || !RECORD_TYPE_SET.has(rec.type)) return `unknown record type ${JSON.stringify(rec.type)}`;
  if (typeof rec.log !== 'string') return 'no log id';
  if (!Number.isSafeInteger(rec.seq) || (rec.seq as number) < 0) return 'seq is not a non-negative integer';
  if (rec.prev !== null && !isLink(rec.prev)) return 'prev is neither a link nor null';
  return undefined;
}

/** All links of a decoded value except the top-level `prev`, with their dotted paths. */
function valueLinks(value: unknown, path: string, out: Array<{ path: string; cid: string }>): void {
  if (isLink(value)) {
    out.push({ path, cid: value['/'] });
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => valueLinks(v, path ? `${path}.${i}` : String(i), out));
  else if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) if (path || k !== 'prev') valueLinks((value as Record<string, unknown>)[k], path ? `${path}.${k}` : k, out);
  }
}

export function forensicLog(input: LogInput, readings: readonly ReadCheckpoint[], opts: LogVerifyOptions): LogVerifyResult {
  const failures: OrderedFailure[] = [];
  const add = (index: number, phase: number, failure: VerifyFailure): void => void failures.push({ order: index * 10 + phase, failure });
  const notes = new RecordNotes(input.logId);
  const { blocks, missingKind } = opts;

  // Pass 1: CID over stored bytes, decode, shape, canonical form; links of every decodable record.
  const parsed: Parsed[] = [];
  input.records((bytes, start, end, at, claimed) => {
    const index = parsed.length;
    const where = input.where(at);
    const view = bytes.subarray(start, end);
    const digest = claimed ?? sha256Latin1(view);
    const p: Parsed = { index, cid: recordCid(digest), digest, where };
    parsed.push(p);
    const text = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('utf8');
    let value: unknown;
    try {
      value = parseJsonStrict(text);
    } catch (err) {
      add(index, 0, { kind: 'modified', ...where, log: input.logId, seq: index, cid: p.cid, detail: `not valid DAG-JSON: ${(err as Error).message}` });
      return true;
    }
    const problem = shapeProblem(value);
    if (problem) {
      add(index, 0, { kind: 'modified', ...where, log: input.logId, seq: index, cid: p.cid, detail: `not a record: ${problem}` });
      return true;
    }
    const r = value as Record<string, unknown>;
    p.type = r.type as string;
    p.seq = r.seq as number;
    p.prev = r.prev === null ? null : (r.prev as { '/': string })['/'];
    p.log = r.log as string;
    if (p.type !== 'span') p.record = r;
    const isCanonical = scan.scan(view);
    if (!isCanonical) {
      const canonical = canonicalDagJson(value);
      if (canonical === undefined) p.canonicalCid = '';
      else {
        p.canonicalDigest = sha256Latin1(Buffer.from(canonical, 'utf8'));
        p.canonicalCid = recordCid(p.canonicalDigest);
      }
    }
    // links of every record (foreign ones too: their links must still resolve)
    const owner = { ...where, log: input.logId, seq: p.seq };
    if (isCanonical) {
      const paths = new LazyLinkPaths(view, 0, view.length);
      for (let k = 0; k < scan.linkCount; k++) {
        if (paths.path(k) === 'prev') continue;
        const pr = blocks.resolveLink(scan, k, view, paths);
        const f = pr && blocks.failure(pr, owner, missingKind);
        if (f) add(index, 3, f);
      }
    } else {
      const links: Array<{ path: string; cid: string }> = [];
      valueLinks(r, '', links);
      for (const l of links) {
        const b = Buffer.from(l.cid, 'utf8');
        const pr = blocks.resolve(b, 0, b.length, () => l.path);
        const f = pr && blocks.failure(pr, owner, missingKind);
        if (f) add(index, 3, f);
      }
    }
    return true;
  });

  // A record whose bytes are not canonical but whose canonical re-encoding is exactly what its successor
  // links to kept its content and only lost its encoding; anything else is a content change (modified).
  const entries: ChainEntry[] = [];
  parsed.forEach((p, i) => {
    if (p.type === undefined) return;
    let cid = p.cid;
    if (p.canonicalCid !== undefined) {
      const next = parsed.slice(i + 1).find((q) => q.type !== undefined);
      const nextPrev = next?.prev ?? undefined;
      if (p.canonicalCid && (nextPrev === undefined || nextPrev === p.canonicalCid)) {
        add(i, 1, {
          kind: 'non-canonical encoding',
          ...p.where,
          log: input.logId,
          seq: p.seq,
          cid: p.cid,
          detail: `bytes are not canonical DAG-JSON; the canonical encoding has CID ${p.canonicalCid}`,
        });
        cid = p.canonicalCid;
        p.digest = p.canonicalDigest!;
      }
    }
    entries.push({ cid, seq: p.seq!, prev: p.prev!, log: p.log!, where: p.where, index: i });
  });

  // The chain.
  const chain = walkChain(input.logId, entries);
  for (const f of chain.failures) add(f.index, 2, f.failure);
  const accepted = chain.accepted;
  for (const e of accepted) {
    const p = parsed[e.index]!;
    if (p.record) notes.add(p.type!, p.record, p.where, p.seq!, e.cid);
  }

  // Checkpoints, over the accepted records.
  const tree = new MerkleTree();
  const rootAt = (n: number): string => {
    if (n < tree.size) {
      const t = new MerkleTree();
      for (let i = 0; i < n; i++) t.addRecord(parsed[accepted[i]!.index]!.digest);
      return t.rootHex();
    }
    while (tree.size < n) tree.addRecord(parsed[accepted[tree.size]!.index]!.digest);
    return tree.rootHex();
  };
  const firstChainBreak = chain.failures.reduce((m, f) => Math.min(m, f.index), Number.POSITIVE_INFINITY);
  const ctx: CheckpointContext = {
    logId: input.logId,
    recordCount: parsed.length,
    end: input.end(parsed.length),
    nextSeq: chain.nextSeq,
    acceptedCount: accepted.length,
    firstRecordFailure: failures.reduce((m, f) => Math.min(m, Math.floor(f.order / 10)), firstChainBreak),
    rootAt,
    recordAt: (i) => {
      const e = accepted[i]!;
      return { index: e.index, where: e.where, seq: e.seq, cid: e.cid };
    },
  };
  for (const w of notes.witnessProblems) add(w.seq, 3, { kind: 'modified', ...w.where, log: input.logId, seq: w.seq, cid: w.cid, detail: w.detail });
  const { signedSize, publicKeys, seal, heads, witnesses } = evaluateCheckpoints(readings, ctx, opts, add);
  const noteList = notes.notes;
  notes.finish();
  coverage(ctx, signedSize, failures.length, opts.closed, add, (n) => noteList.push({ ...ctx.end, log: input.logId, ...n }), seal);
  return {
    log: input.logId,
    records: parsed.length,
    last: parsed.at(-1)?.cid ?? null,
    checkpoints: readings.length,
    signedSize,
    seal,
    dropped: notes.dropped,
    publicKeys: [...publicKeys],
    failures,
    notes: noteList,
    targets: notes.targets,
    heads,
    witnesses: [...notes.witnesses, ...witnesses],
    streamed: false,
  };
}
