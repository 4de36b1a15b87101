/**
 * Recovery of abandoned logs on open (FORMAT.md section 2): a log whose lock names a dead process on this
 * host. A torn tail (bytes after the last newline, or a partial last pack section) is saved as a raw
 * block, recorded as a `cut` record in the recovering store's own log (fsynced), and only then cut.
 * Damage before the last line is never repaired: the files stay untouched and a `damage` record says so.
 * Recovery never signs: records after the log's last signed checkpoint (which only the dead writer could
 * have vouched for, and which anyone could have appended) are recorded by an `unverified` record that
 * pins them without vouching for them. A sealed log (a final checkpoint) is closed: its lock is ignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { rawCid, type CID } from '../cid.js';
import { readCheckpointFile } from '../checkpoint/checkpoint.js';
import { encodeDagJsonString } from '../dag-json/encode.js';
import { MerkleAccumulator } from '../merkle.js';
import { scanPack } from '../pack.js';
import { LOG_ID_PATTERN, nowNs, storePaths, type Link } from '../record.js';
import { createExclusive, fsyncDir } from '../fs-util.js';
import { lockHolderAlive, readLock } from './lock.js';
import { scanLog } from './log-scan.js';
import type { AppendedRecord, RecordDraft } from './record-input.js';

export interface RecoveryHost {
  appendSync(drafts: RecordDraft[]): AppendedRecord[];
  /** Fingerprint of the store key: only checkpoints it signed count. */
  keyFingerprint: string;
  warn(message: string): void;
}

export interface RecoveryReport {
  log: string;
  cut: { file: string; offset: number; length: number }[];
  damage: { file: string; line: number; reason: string } | null;
  /** Records after the last signed checkpoint, recorded as unverified: [from, size). */
  unverified: { from: number; size: number } | null;
}

/** The log's checkpoints signed with the store key, largest size first. */
function signedCheckpoints(storeDir: string, logId: string, keyFingerprint: string) {
  const dir = path.join(storeDir, storePaths.checkpointsDir);
  const found = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(logId + '.') || !/^\.[0-9]{12}\.json$/.test(name.slice(logId.length))) continue;
    let check;
    try {
      check = readCheckpointFile(path.join(dir, name));
    } catch {
      continue;
    }
    const st = check.checkpoint?.statement;
    if (check.ok && st && st.log === logId && st.key === keyFingerprint) found.push(st);
  }
  return found.sort((a, b) => b.size - a.size);
}

/** True when the log has a final checkpoint signed with the store key: it was closed (FORMAT.md 6.1). */
export function isSealed(storeDir: string, logId: string, keyFingerprint: string): boolean {
  return signedCheckpoints(storeDir, logId, keyFingerprint).some((st) => st.closed !== undefined);
}

function linkText(link: Link | null): string | null {
  if (link === null) return null;
  return '/' in link ? link['/'] : link.toString();
}

/** The largest size a store-key checkpoint signs whose root and last record match these lines (0 if none). */
function lastSignedSize(storeDir: string, logId: string, lines: readonly { cid: CID }[], keyFingerprint: string): number {
  const wanted = new Map<number, { root: string; last: string | null }>();
  for (const st of signedCheckpoints(storeDir, logId, keyFingerprint)) {
    if (st.size <= lines.length) wanted.set(st.size, { root: st.root, last: linkText(st.last) });
  }
  const tree = new MerkleAccumulator();
  let best = 0;
  for (let size = 0; size <= lines.length; size++) {
    if (size > 0) tree.addCid(lines[size - 1]!.cid);
    const w = wanted.get(size);
    if (!w) continue;
    const last = size > 0 ? lines[size - 1]!.cid.toString() : null;
    if (Buffer.from(tree.root()).toString('hex') === w.root && last === w.last) best = size;
  }
  return best;
}

function cutTail(storeDir: string, host: RecoveryHost, logId: string, rel: string, buf: Buffer, offset: number): void {
  const cutBytes = buf.subarray(offset);
  const block = rawCid(cutBytes);
  host.appendSync([
    {
      fields: {
        type: 'cut',
        time: nowNs(),
        target: logId,
        file: rel,
        offset,
        length: cutBytes.length,
        sha256: createHash('sha256').update(cutBytes).digest('hex'),
        block,
      },
      blocks: [{ cid: block, bytes: cutBytes }],
    },
  ]);
  // The cut is on record (and fsynced); only now is the file shortened.
  const fd = fs.openSync(path.join(storeDir, rel), 'r+');
  try {
    fs.ftruncateSync(fd, offset);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function recordDamage(host: RecoveryHost, logId: string, rel: string, line: number, reason: string): void {
  host.appendSync([{ fields: { type: 'damage', time: nowNs(), target: logId, file: rel, line, reason }, blocks: [] }]);
  host.warn(`log ${logId}: ${rel} is damaged at line ${line} (${reason}); left untouched`);
}

/** Recovers one abandoned log that this process has claimed. */
export function recoverLog(storeDir: string, logId: string, host: RecoveryHost): RecoveryReport {
  const report: RecoveryReport = { log: logId, cut: [], damage: null, unverified: null };
  const logRel = storePaths.log(logId);
  const packRel = storePaths.pack(logId);
  const logFile = path.join(storeDir, logRel);
  const logBuf = fs.existsSync(logFile) ? fs.readFileSync(logFile) : Buffer.alloc(0);
  const scan = scanLog(logBuf, logId);
  if (scan.damage) {
    report.damage = { file: logRel, line: scan.damage.line, reason: scan.damage.reason };
    recordDamage(host, logId, logRel, scan.damage.line, scan.damage.reason);
    return report;
  }
  const packFile = path.join(storeDir, packRel);
  const packBuf = fs.existsSync(packFile) ? fs.readFileSync(packFile) : Buffer.alloc(0);
  let packScan: ReturnType<typeof scanPack> | null = null;
  try {
    packScan = scanPack(packBuf);
  } catch (err) {
    report.damage = { file: packRel, line: 0, reason: (err as Error).message };
    recordDamage(host, logId, packRel, 0, (err as Error).message);
  }
  if (scan.tornTail) {
    cutTail(storeDir, host, logId, logRel, logBuf, scan.tornTail.offset);
    report.cut.push({ file: logRel, ...scan.tornTail });
  }
  if (packScan?.tornTail) {
    cutTail(storeDir, host, logId, packRel, packBuf, packScan.tornTail.offset);
    report.cut.push({ file: packRel, ...packScan.tornTail });
  }
  const size = scan.lines.length;
  const signed = lastSignedSize(storeDir, logId, scan.lines, host.keyFingerprint);
  if (size > signed) {
    // Leaf hashes are the records' digests (FORMAT.md section 6).
    const tree = new MerkleAccumulator();
    for (const line of scan.lines) tree.addCid(line.cid);
    host.appendSync([
      {
        fields: {
          type: 'unverified',
          time: nowNs(),
          target: logId,
          file: logRel,
          from: signed,
          size,
          root: Buffer.from(tree.root()).toString('hex'),
          // a CID string, not a link: the record is not a block any pack holds
          last: scan.lines[size - 1]!.cid.toString(),
        },
        blocks: [],
      },
    ]);
    report.unverified = { from: signed, size };
  }
  return report;
}

/** Finds abandoned logs in the store, claims each with an O_EXCL `.recovered` marker and recovers it. */
export function recoverAbandonedLogs(storeDir: string, ownLogId: string, host: RecoveryHost): RecoveryReport[] {
  const logsDir = path.join(storeDir, storePaths.logsDir);
  const reports: RecoveryReport[] = [];
  for (const name of fs.readdirSync(logsDir)) {
    if (!name.endsWith('.lock')) continue;
    const logId = name.slice(0, -'.lock'.length);
    if (logId === ownLogId || !LOG_ID_PATTERN.test(logId)) continue;
    if (fs.existsSync(path.join(storeDir, storePaths.recovered(logId)))) continue;
    // Closed by its writer (which died before removing its lock), or the lock was planted: not ours to touch.
    if (isSealed(storeDir, logId, host.keyFingerprint)) continue;
    const lock = readLock(path.join(logsDir, name));
    // An unreadable lock (torn while being created) counts as abandoned only if its file is old enough
    // that its creator must have finished writing it.
    if (lock === null) {
      const age = Date.now() - fs.statSync(path.join(logsDir, name)).mtimeMs;
      if (age < 10_000) continue;
    } else if (lockHolderAlive(lock)) {
      continue;
    }
    const claim = encodeDagJsonString({ by: ownLogId, pid: process.pid, time: nowNs() }) + '\n';
    if (!createExclusive(path.join(storeDir, storePaths.recovered(logId)), claim)) continue;
    fsyncDir(logsDir);
    try {
      reports.push(recoverLog(storeDir, logId, host));
    } catch (err) {
      host.warn(`recovery of log ${logId} failed: ${(err as Error).message}`);
    }
  }
  return reports;
}
