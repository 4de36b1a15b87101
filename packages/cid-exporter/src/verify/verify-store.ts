/**
 * `verifyStore(dir)`: verifies every log of a store from the bytes on disk (FORMAT.md), without
 * opening it as a writer (no lock, no recovery, nothing written), streaming every file through a reused
 * window: memory is the block table (about 33 bytes per block, ../read/digest-index.ts), the chain head
 * and Merkle state of one log, and the failures found.
 */
import { existsSync, statSync } from 'node:fs';
import { didKeyOfHex } from '../key/did-key.js';
import { join } from 'node:path';
import { storePaths } from '../record.js';
import { forEachLogLine } from '../read/log-lines.js';
import { assertStore, listCheckpoints, listClosedLogs, listLockedLogs, listLogIds, readStoreFile } from '../read/store-files.js';
import { BlockTable } from './block-table.js';
import type { Seal } from './checkpoint-eval.js';
import type { VerifyFailure, VerifyNote } from './failure.js';
import type { LogInput, Where } from './log-input.js';
import { verifyLog } from './log-verify.js';
import type { VerifiedLog, VerifyOptions, VerifyReport } from './report.js';
import { catchUpPack, checkPackContent, hashPacks, tornPackNote, unreachedBlocks, type PackState } from './store-packs.js';
import { storePublicKeyHex, TrustedKeys, untrustedKeysNote } from './trusted-keys.js';
import { checkStoreWitnesses } from './store-witness.js';
import { claimExpectedHead, storeHeadOf } from './store-head.js';
import { WitnessClaims, type WitnessedLog } from './witness-claims.js';

function packSize(dir: string, file: string): number {
  return statSync(join(dir, file), { throwIfNoEntry: false })?.size ?? 0;
}

export function verifyStore(dir: string, options: VerifyOptions = {}): VerifyReport {
  assertStore(dir);
  const read = { chunkSize: options.chunkSize };
  // Closed logs first: a writer that closes while we read has written its final checkpoint before removing
  // its lock, so a log already closed here has all its checkpoints in the listing below.
  const closedAtStart = listClosedLogs(dir);
  // Read order matters while a writer is active: checkpoints are listed before the logs are read (a
  // listed checkpoint's records are already in its log). Packs are read before the logs; a record linking
  // a block its (live) writer appended since makes verify read that pack's new sections (a writer syncs
  // a record's blocks before the record), so a live store never shows false breaks.
  const checkpoints = listCheckpoints(dir);
  const logIds = listLogIds(dir);
  const knownLogs = new Set(logIds);
  // marks: which blocks a record reaches, directly or through the dag-json blocks it links
  const blocks = new BlockTable({ marks: true });
  const packs = hashPacks(dir, blocks, read);
  blocks.seal();
  checkPackContent(dir, packs, blocks, read);
  // A lock seen now (a listing is not atomic against a writer starting) keeps that log lenient too.
  const lockedNow = listLockedLogs(dir);
  const isClosed = (log: string): boolean => closedAtStart.has(log) && !lockedNow.has(log);
  let trusted: TrustedKeys | undefined;
  if (options.trustedKeys?.length) trusted = new TrustedKeys(options.trustedKeys);
  else {
    const own = storePublicKeyHex(join(dir, storePaths.key));
    if (own) trusted = TrustedKeys.ofRawHex(own);
  }
  const packOf = new Map<string, PackState>(packs.map((p) => [p.log, p]));
  const ordered: Array<{ key: [number, number]; failure: VerifyFailure }> = [];
  const notes: VerifyNote[] = [];
  const logs: VerifiedLog[] = [];
  const publicKeys = new Set<string>();
  const logFileExists = new Set<string>();
  /** Logs sealed by a verified final checkpoint (FORMAT.md 6.1): closed whatever lock files say. */
  const seals = new Map<string, Seal>();
  /** Store-level witnessing (FORMAT.md 3.6): what every log claims of the others, and what each log is. */
  const claims = new WitnessClaims();
  const heads: Array<{ log: string; records: number; last: string | null }> = [];
  const witnessed = new Map<string, WitnessedLog>();
  const reportedGone = new Set<string>();

  logIds.forEach((log, logIndex) => {
    const file = storePaths.log(log);
    let tail: { offset: number; length: number } | undefined;
    let exists = true;
    const input: LogInput = {
      logId: log,
      records(visit) {
        const r = forEachLogLine(dir, log, visit, read);
        exists = r.exists;
        tail = r.tornTail;
      },
      checkpoints: (checkpoints.get(log) ?? []).map((c) => ({ bytes: readStoreFile(dir, c.file), where: { file: c.file }, namedSize: c.namedSize })),
      where: (line): Where => ({ file, line }),
      end: (n): Where => ({ file, line: n + 1 }),
    };
    const pack = packOf.get(log);
    const closed = isClosed(log);
    // a live writer's records may link blocks appended after the packs were read: read those too
    blocks.catchUp = closed || !pack ? undefined : () => catchUpPack(dir, pack, blocks, read);
    const result = verifyLog(input, {
      blocks,
      missingKind: 'missing payload',
      trustedKeys: trusted,
      // read after the log: a log file that is gone leaves only checkpoints, which cannot be "closed"
      get closed() {
        return closed && exists;
      },
    });
    blocks.catchUp = undefined;
    if (!exists) notes.push({ file, log, detail: 'log file is missing; only its checkpoints remain' });
    else logFileExists.add(log);
    // A cut or damage record names a log another writer recovered: that log must still be in the store.
    for (const t of result.targets) {
      if (knownLogs.has(t.target)) continue;
      reportedGone.add(t.target);
      ordered.push({
        key: [logIndex, ((t.where.line ?? 1) - 1) * 10 + 7],
        failure: {
          kind: 'deleted',
          file: storePaths.log(t.target),
          log: t.target,
          detail: `log ${t.target} is gone (no log file, no checkpoint) but the ${t.type} record at ${t.where.file}:${t.where.line} (log ${log}, seq ${t.seq}, cid ${t.cid}) names it`,
        },
      });
    }
    if (result.seal) seals.set(log, result.seal);
    for (const c of result.witnesses) claims.add(c);
    heads.push({ log, records: exists ? result.records : 0, last: exists ? result.last : null });
    witnessed.set(log, { records: exists ? result.records : 0, heads: result.heads, file, where: (line) => ({ file, line }) });
    const truncated = result.failures.some((f) => f.failure.kind === 'truncated since checkpoint');
    if (tail && exists && (closed || result.seal) && !truncated) {
      // Only a writer that died mid-write leaves a torn tail, and then its lock stays (FORMAT.md section 2);
      // after a truncation the partial line is what is left of the cut, already reported.
      ordered.push({
        key: [logIndex, result.records * 10 + 6],
        failure: {
          kind: 'inserted',
          file,
          line: result.records + 1,
          log,
          seq: result.records,
          detail: `${tail.length} bytes after the last newline (byte ${tail.offset}) of a closed log (${result.seal ? 'sealed by its final checkpoint' : 'no lock file'}): a writer that closes leaves no partial line`,
        },
      });
    } else if (tail) {
      const recovered = existsSync(join(dir, storePaths.recovered(log)));
      notes.push({
        file,
        line: result.records + 1,
        log,
        seq: result.records,
        detail: `torn last line: ${tail.length} bytes after the last newline (byte ${tail.offset}); not part of the log, ${recovered ? 'and the log was already recovered: its recovery did not cut them (interrupted, or they came after it) and no later open will' : 'the next store open cuts and records it'}`,
      });
    }
    for (const f of result.failures) ordered.push({ key: [logIndex, f.order], failure: f.failure });
    notes.push(...result.notes);
    result.publicKeys.forEach((k) => publicKeys.add(k));
    logs.push({ log, file, records: result.records, checkpoints: result.checkpoints, signedSize: result.signedSize, dropped: result.dropped });
  });

  // Pack problems come after the owning log's records. A closed log's pack was cut back or completed
  // before its lock went: a torn final section there was written (or cut) afterwards. Torn packs of
  // locked logs are a crashed writer's, cut at the next open.
  const logIndexOfPack = (state: PackState): number => {
    const i = logIds.indexOf(state.log);
    return i < 0 ? logIds.length : i;
  };
  const packNotes: VerifyNote[] = [];
  for (const p of packs) {
    const seal = seals.get(p.log);
    if (seal) {
      const size = packSize(dir, p.file);
      if (size !== seal.packBytes) {
        ordered.push({
          key: [logIndexOfPack(p), Number.MAX_SAFE_INTEGER],
          failure: {
            kind: size > seal.packBytes ? 'inserted' : 'truncated since checkpoint',
            file: p.file,
            offset: Math.min(size, seal.packBytes),
            log: p.log,
            detail: `pack is ${size} bytes but the log's final checkpoint sealed it at ${seal.packBytes}: ${size > seal.packBytes ? `${size - seal.packBytes} bytes added after close` : 'bytes removed after close'}`,
          },
        });
        if (p.failure) ordered.push({ key: [logIndexOfPack(p), Number.MAX_SAFE_INTEGER], failure: p.failure });
        continue;
      }
    }
    const closedPack = (isClosed(p.log) && logFileExists.has(p.log)) || seal !== undefined;
    if (p.torn && closedPack) {
      ordered.push({
        key: [logIndexOfPack(p), Number.MAX_SAFE_INTEGER],
        failure: {
          kind: 'modified',
          file: p.file,
          section: p.torn.section,
          offset: p.torn.offset,
          detail: `pack of a closed log (no lock file) ends inside a section: ${p.torn.length} bytes from byte ${p.torn.offset} are not a whole section; a writer that closes leaves no partial section`,
        },
      });
    } else {
      const n = tornPackNote(p, existsSync(join(dir, storePaths.recovered(p.log))));
      if (n) packNotes.push(n);
    }
    if (p.failure) ordered.push({ key: [logIndexOfPack(p), Number.MAX_SAFE_INTEGER], failure: p.failure });
  }
  // Every damaged copy is a failure: one a record reached was reported there, the others are reported here.
  for (const { cid, copy } of blocks.damagedInOrder) {
    if (copy.reported) continue;
    const i = logIds.indexOf(copy.where.file.replace(/^blocks\//, '').replace(/\.blocks$/, ''));
    ordered.push({
      key: [i < 0 ? logIds.length : i, Number.MAX_SAFE_INTEGER - 1],
      failure: { kind: copy.problem.kind, ...copy.where, cid, detail: `block (linked by no record, or another copy is intact): ${copy.problem.detail}` },
    });
  }
  // Blocks no record reaches: a closed log's writer only ever packs blocks with the records that link
  // them (a failed write is cut back), so there they were added; a live or crashed writer's pack may hold
  // the blocks of records it had not written yet.
  for (const u of unreachedBlocks(dir, packs, blocks, read)) {
    const p = u.pack;
    const closedPack = (isClosed(p.log) && logFileExists.has(p.log)) || seals.has(p.log);
    const where = { file: p.file, section: u.section, offset: u.offset, cid: u.cid };
    if (closedPack) {
      ordered.push({
        key: [logIndexOfPack(p), Number.MAX_SAFE_INTEGER - 2],
        failure: {
          kind: 'extra block',
          ...where,
          log: p.log,
          detail: 'block of a closed log that no record reaches (directly or through a block it links): added after close',
        },
      });
    } else {
      packNotes.push({ ...where, detail: 'block no record reaches yet: the writer packs blocks before the records that link them' });
    }
  }
  claimExpectedHead(claims, options.expectHead);
  const witness = checkStoreWitnesses(dir, logIds, claims, witnessed, read, reportedGone);
  for (const f of witness.failures) ordered.push(f);
  if (witness.note) notes.push(witness.note);
  if (!trusted && publicKeys.size > 0) notes.push(untrustedKeysNote(dir, publicKeys));
  ordered.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
  const failures = ordered.map((o) => o.failure);
  return {
    ok: failures.length === 0,
    type: 'store',
    source: dir,
    logs,
    blocks: blocks.blocks,
    publicKeys: [...publicKeys].map(didKeyOfHex),
    storeHead: storeHeadOf(heads),
    failures,
    notes: [...packNotes, ...notes],
  };
}
