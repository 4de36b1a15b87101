/**
 * `verifyStore(dir)`: verifies every log of a store from the bytes on disk (FORMAT.md), without
 * opening it as a writer (no lock, no recovery, nothing written).
 */
import { join } from 'node:path';
import { storePaths } from '../record.js';
import { loadPacks } from './block-source.js';
import type { VerifyFailure, VerifyNote } from './failure.js';
import { LinkResolver } from './links.js';
import { verifyLog } from './log-verifier.js';
import type { VerifiedLog, VerifyOptions, VerifyReport } from './report.js';
import { assertStore, listCheckpoints, listClosedLogs, listLockedLogs, listLogIds, readLogLines, readStoreFile } from './store-files.js';
import { storePublicKeyHex, TrustedKeys, untrustedKeysNote } from './trusted-keys.js';

export function verifyStore(dir: string, options: VerifyOptions = {}): VerifyReport {
  assertStore(dir);
  // Closed logs first: a writer that closes while we read has written its final checkpoint before removing
  // its lock, so a log already closed here has all its checkpoints in the listing below.
  const closedAtStart = listClosedLogs(dir);
  // Read order matters while a writer is active: checkpoints are listed before the logs are read (a
  // listed checkpoint's records are already in its log) and packs are read after the logs (a writer
  // syncs a record's blocks before the record), so a live store never shows false breaks.
  const checkpoints = listCheckpoints(dir);
  const logIds = listLogIds(dir);
  const knownLogs = new Set(logIds);
  const logLines = logIds.map((log) => readLogLines(dir, log));
  const packs = loadPacks(dir);
  // A lock seen now (a listing is not atomic against a writer starting) keeps that log lenient too.
  const lockedNow = listLockedLogs(dir);
  const isClosed = (log: string): boolean => closedAtStart.has(log) && !lockedNow.has(log);
  const resolver = new LinkResolver(packs.blocks);
  const seen = new Set<string>();
  let trusted: TrustedKeys | undefined;
  if (options.trustedKeys?.length) trusted = new TrustedKeys(options.trustedKeys);
  else {
    const own = storePublicKeyHex(join(dir, storePaths.key));
    if (own) trusted = new TrustedKeys([own]);
  }
  const ordered: Array<{ key: [number, number]; failure: VerifyFailure }> = [];
  // A closed log's pack was cut back or completed before its lock went: a torn final section there was
  // written (or cut) afterwards. Torn packs of locked logs are a crashed writer's, cut at the next open.
  const closedPack = (file: string): boolean => {
    const log = file.replace(/^blocks\//, '').replace(/\.blocks$/, '');
    return isClosed(log) && logLines.some((l) => l.log === log && l.exists);
  };
  const notes: VerifyNote[] = packs.notes.filter((n) => !packs.torn.some((t) => t.file === n.file && closedPack(t.file)));
  const logs: VerifiedLog[] = [];
  const publicKeys = new Set<string>();

  logIds.forEach((log, logIndex) => {
    const lines = logLines[logIndex]!;
    if (!lines.exists) {
      notes.push({ file: lines.file, log, detail: 'log file is missing; only its checkpoints remain' });
    }
    const closed = lines.exists && isClosed(log);
    const result = verifyLog(
      {
        logId: log,
        records: lines.lines.map((bytes, i) => ({ bytes, where: { file: lines.file, line: i + 1 } })),
        checkpoints: (checkpoints.get(log) ?? []).map((c) => ({
          bytes: readStoreFile(dir, c.file),
          where: { file: c.file },
          namedSize: c.namedSize,
        })),
        end: { file: lines.file, line: lines.lines.length + 1 },
      },
      { resolver, missingKind: 'missing payload', trustedKeys: trusted, seen, closed },
    );
    // A cut or damage record names a log another writer recovered: that log must still be in the store.
    for (const a of result.accepted) {
      const r = a.record;
      if ((r.type !== 'cut' && r.type !== 'damage') || typeof r.target !== 'string' || knownLogs.has(r.target)) continue;
      ordered.push({
        key: [logIndex, ((a.where.line ?? 1) - 1) * 10 + 7],
        failure: {
          kind: 'deleted',
          file: storePaths.log(r.target),
          log: r.target,
          detail: `log ${r.target} is gone (no log file, no checkpoint) but the ${String(r.type)} record at ${a.where.file}:${a.where.line} (log ${log}, seq ${String(r.seq)}, cid ${a.cid}) names it`,
        },
      });
    }
    const truncated = result.failures.some((f) => f.failure.kind === 'truncated since checkpoint');
    if (lines.tornTail && closed && !truncated) {
      // Only a writer that died mid-write leaves a torn tail, and then its lock stays (FORMAT.md section 2);
      // after a truncation the partial line is what is left of the cut, already reported.
      ordered.push({
        key: [logIndex, lines.lines.length * 10 + 6],
        failure: {
          kind: 'inserted',
          file: lines.file,
          line: lines.lines.length + 1,
          log,
          seq: lines.lines.length,
          detail: `${lines.tornTail.length} bytes after the last newline (byte ${lines.tornTail.offset}) of a closed log (no lock file): a writer that closes leaves no partial line`,
        },
      });
    } else if (lines.tornTail) {
      notes.push({
        file: lines.file,
        line: lines.lines.length + 1,
        log,
        seq: lines.lines.length,
        detail: `torn last line: ${lines.tornTail.length} bytes after the last newline (byte ${lines.tornTail.offset}); not part of the log, the next store open cuts and records it`,
      });
    }
    for (const f of result.failures) ordered.push({ key: [logIndex, f.order], failure: f.failure });
    notes.push(...result.notes);
    result.publicKeys.forEach((k) => publicKeys.add(k));
    logs.push({ log, file: lines.file, records: result.records, checkpoints: result.checkpoints, signedSize: result.signedSize });
  });

  // Damage in packs that no record links still is damage: report it after the owning log's records.
  const logIndexOfPack = (file: string): number => {
    const i = logIds.indexOf(file.replace(/^blocks\//, '').replace(/\.blocks$/, ''));
    return i < 0 ? logIds.length : i;
  };
  for (const t of packs.torn) {
    if (!closedPack(t.file)) continue;
    ordered.push({
      key: [logIndexOfPack(t.file), Number.MAX_SAFE_INTEGER],
      failure: {
        kind: 'modified',
        file: t.file,
        section: t.section,
        offset: t.offset,
        detail: `pack of a closed log (no lock file) ends inside a section: ${t.length} bytes from byte ${t.offset} are not a whole section; a writer that closes leaves no partial section`,
      },
    });
  }
  for (const f of packs.failures) ordered.push({ key: [logIndexOfPack(f.file), Number.MAX_SAFE_INTEGER], failure: f });
  for (const b of packs.damaged) {
    if (seen.has(b.cid)) continue;
    ordered.push({
      key: [logIndexOfPack(b.where.file), Number.MAX_SAFE_INTEGER - 1],
      failure: { kind: b.problem!.kind, ...b.where, cid: b.cid, detail: `block (linked by no record): ${b.problem!.detail}` },
    });
  }
  if (!trusted && publicKeys.size > 0) notes.push(untrustedKeysNote(dir, publicKeys));
  ordered.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1]);
  const failures = ordered.map((o) => o.failure);
  return { ok: failures.length === 0, type: 'store', source: dir, logs, blocks: packs.blocks.size, publicKeys: [...publicKeys], failures, notes };
}
