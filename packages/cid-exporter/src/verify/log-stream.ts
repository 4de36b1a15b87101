/**
 * The streaming check of one log, in O(1) state per record: each record's CID over its stored bytes,
 * canonical form and shape, `log` / `seq` / `prev` against the chain head, its links against the block
 * table, and the Merkle tree (O(log n) digests) whose roots are kept only at the sizes the checkpoints
 * sign. It gives up (returns null) at the first record that does not continue the chain, and the caller
 * runs the precise classification (./log-forensics.ts), which needs the whole log, on that log only.
 */
import { base32Encode } from '../cid.js';
import { parseJsonStrict } from '../dag-json/parse.js';
import { digestEquals, sha256Latin1, writeLatin1 } from '../read/sha256.js';
import { LazyLinkPaths } from './block-table.js';
import { coverage, evaluateCheckpoints, sizesToWatch, type AcceptedRecord, type CheckpointContext } from './checkpoint-eval.js';
import type { VerifyFailure } from './failure.js';
import type { LogInput, LogVerifyOptions, LogVerifyResult, OrderedFailure, ReadCheckpoint } from './log-input.js';
import { MerkleTree } from './merkle-tree.js';
import { DAG_JSON_CID_PREFIX, FormatVersionError, READ_FORMAT_VERSION, RecordCheck } from './record-check.js';
import { RecordNotes } from './record-notes.js';

const cidScratch = new Uint8Array(37);
cidScratch.set(DAG_JSON_CID_PREFIX);
const cidScratchBuffer = Buffer.from(cidScratch.buffer);

/** The record CID string for a latin1 sha2-256 digest. */
export function recordCid(digest: string): string {
  writeLatin1(cidScratchBuffer, digest, 5);
  return 'b' + base32Encode(cidScratch);
}

/** A record's bytes as their own view (crypto.hash takes whole views). */
function view(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
}

const check = new RecordCheck();
const recordPaths = new LazyLinkPaths(new Uint8Array(0), 0, 0);

/** Verifies a log whose chain holds in one pass; null as soon as a record does not continue it. */
export function streamLog(input: LogInput, readings: readonly ReadCheckpoint[], opts: LogVerifyOptions): LogVerifyResult | null {
  const logBytes = Buffer.from(input.logId, 'utf8');
  const failures: OrderedFailure[] = [];
  const add = (index: number, phase: number, failure: VerifyFailure): void => void failures.push({ order: index * 10 + phase, failure });
  const notes = new RecordNotes(input.logId);
  const tree = new MerkleTree();
  const watch = sizesToWatch(readings, input.logId);
  const roots = new Map<number, string>();
  const kept = new Map<number, AcceptedRecord>();
  // records at and just before each watched size are kept: a checkpoint names its last record, and the
  // record after the largest signed size is the one a closed log reports as `inserted`
  watch.add(0);
  roots.set(0, tree.rootHex());
  let prev = '';
  let index = 0;
  let firstFailure = Number.POSITIVE_INFINITY;
  let broken = false;
  const { blocks, missingKind } = opts;

  input.records((bytes, start, end, at, claimed) => {
    const digest = claimed ?? sha256Latin1(view(bytes, start, end));
    if (!check.check(bytes, start, end, logBytes)) {
      if (index === 0 && Number.isInteger(check.version) && check.version !== READ_FORMAT_VERSION) {
        const where = input.where(at);
        throw new FormatVersionError(
          `${where.file}${where.line !== undefined ? `:${where.line}` : ''}: record format version ${check.version} is not supported (this version of llm-provenance reads format version ${READ_FORMAT_VERSION})`,
        );
      }
      broken = true;
      return false;
    }
    const chained = index === 0 ? check.prevLink === -1 : check.prevLink >= 0 && check.prevDigestOk && digestEquals(prev, check.prevDigest, 0);
    if (!check.ownLog || check.seq !== index || !chained) {
      broken = true;
      return false;
    }
    tree.addRecord(digest);
    prev = digest;
    const scan = check.scan;
    let cid: string | undefined;
    const paths = recordPaths.reset(bytes, start, end);
    for (let k = 0; k < scan.linkCount; k++) {
      if (k === check.prevLink) continue;
      const problem = blocks.resolveLink(scan, k, bytes, paths);
      if (problem) {
        const f = blocks.failure(problem, { ...input.where(at), log: input.logId, seq: index }, missingKind);
        if (f) {
          add(index, 3, f);
          firstFailure = Math.min(firstFailure, index);
        }
      }
    }
    if (check.type !== 'span') {
      cid = recordCid(digest);
      const record = parseJsonStrict(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8')) as Record<string, unknown>;
      notes.add(check.type!, record, input.where(at), index, cid);
    }
    if (watch.has(index) || watch.has(index + 1)) kept.set(index, { index, where: input.where(at), seq: index, cid: cid ?? recordCid(digest) });
    index++;
    if (watch.has(index)) roots.set(index, tree.rootHex());
    return true;
  });
  if (broken) return null;

  const ctx: CheckpointContext = {
    logId: input.logId,
    recordCount: index,
    end: input.end(index),
    nextSeq: index,
    acceptedCount: index,
    firstRecordFailure: firstFailure,
    rootAt: (size) => roots.get(size)!,
    recordAt: (i) => kept.get(i)!,
  };
  for (const w of notes.witnessProblems) add(w.seq, 3, { kind: 'modified', ...w.where, log: input.logId, seq: w.seq, cid: w.cid, detail: w.detail });
  const { signedSize, publicKeys, seal, heads, witnesses } = evaluateCheckpoints(readings, ctx, opts, add);
  const noteList = notes.notes;
  notes.finish();
  coverage(ctx, signedSize, failures.length, opts.closed, add, (n) => noteList.push({ ...ctx.end, log: input.logId, ...n }), seal);
  return {
    log: input.logId,
    records: index,
    last: index > 0 ? recordCid(prev) : null,
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
    streamed: true,
  };
}
