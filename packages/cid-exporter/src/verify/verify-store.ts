/**
 * `verifyStore(dir)`: verifies every log of a store from the bytes on disk (FORMAT.md), without
 * opening it as a writer (no lock, no recovery, nothing written).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { storePaths } from '../record.js';
import { loadPacks } from './block-source.js';
import type { VerifyFailure, VerifyNote } from './failure.js';
import { LinkResolver } from './links.js';
import { verifyLog } from './log-verifier.js';
import type { VerifiedLog, VerifyOptions, VerifyReport } from './report.js';
import { assertStore, listCheckpoints, listLogIds, readLogLines } from './store-files.js';
import { storePublicKeyHex, TrustedKeys, untrustedKeysNote } from './trusted-keys.js';

export function verifyStore(dir: string, options: VerifyOptions = {}): VerifyReport {
  assertStore(dir);
  // Read order matters while a writer is active: checkpoints are listed before the logs are read (a
  // listed checkpoint's records are already in its log) and packs are read after the logs (a writer
  // syncs a record's blocks before the record), so a live store never shows false breaks.
  const checkpoints = listCheckpoints(dir);
  const logIds = listLogIds(dir);
  const logLines = logIds.map((log) => readLogLines(dir, log));
  const packs = loadPacks(dir);
  const resolver = new LinkResolver(packs.blocks);
  const seen = new Set<string>();
  let trusted: TrustedKeys | undefined;
  if (options.trustedKeys?.length) trusted = new TrustedKeys(options.trustedKeys);
  else {
    const own = storePublicKeyHex(join(dir, storePaths.key));
    if (own) trusted = new TrustedKeys([own]);
  }
  const ordered: Array<{ key: [number, number]; failure: VerifyFailure }> = [];
  const notes: VerifyNote[] = [...packs.notes];
  const logs: VerifiedLog[] = [];
  const publicKeys = new Set<string>();

  logIds.forEach((log, logIndex) => {
    const lines = logLines[logIndex]!;
    if (!lines.exists) {
      notes.push({ file: lines.file, log, detail: 'log file is missing; only its checkpoints remain' });
    }
    if (lines.tornTail) {
      notes.push({
        file: lines.file,
        line: lines.lines.length + 1,
        log,
        seq: lines.lines.length,
        detail: `torn last line: ${lines.tornTail.length} bytes after the last newline (byte ${lines.tornTail.offset}); not part of the log, the next store open cuts and records it`,
      });
    }
    const result = verifyLog(
      {
        logId: log,
        records: lines.lines.map((bytes, i) => ({ bytes, where: { file: lines.file, line: i + 1 } })),
        checkpoints: (checkpoints.get(log) ?? []).map((c) => ({
          bytes: readFileSync(join(dir, c.file)),
          where: { file: c.file },
          namedSize: c.namedSize,
        })),
        end: { file: lines.file, line: lines.lines.length + 1 },
      },
      { resolver, missingKind: 'missing payload', trustedKeys: trusted, seen },
    );
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
