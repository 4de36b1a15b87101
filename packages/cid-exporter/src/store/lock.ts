/**
 * Writer locks (FORMAT.md section 2): logs/<logId>.lock, created O_EXCL, holding host, pid, start time
 * and, where the system tells them (Linux), the boot id and the process start time. Those two make a lock
 * name one process incarnation: a pid reused after the writer died, or a lock from before a reboot, is
 * not mistaken for a live writer, and a lock can be told apart from one naming no writer that ever ran.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { encodeDagJsonString } from '../dag-json/encode.js';
import { nowNs } from '../record.js';

export interface LockInfo {
  /** Kernel boot id (/proc/sys/kernel/random/boot_id), when known. */
  boot?: string;
  host: string;
  log: string;
  pid: number;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22), when known. */
  pstart?: string;
  start: string;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** This machine's boot id, or undefined where the system does not publish one. */
export function bootId(): string | undefined {
  const id = readText('/proc/sys/kernel/random/boot_id')?.trim();
  return id && /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
}

/** Start time of process `pid` in clock ticks since boot (proc(5), /proc/<pid>/stat field 22), or undefined. */
export function processStartTicks(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[22 - 3];
  return ticks && /^[0-9]+$/.test(ticks) ? ticks : undefined;
}

/** The lock this process writes for `logId`. */
export function ownLockInfo(logId: string): LockInfo {
  const info: LockInfo = { host: os.hostname(), log: logId, pid: process.pid, start: nowNs() };
  const boot = bootId();
  const pstart = processStartTicks(process.pid);
  if (boot && pstart) Object.assign(info, { boot, pstart });
  return info;
}

/**
 * Creates the lock (O_CREAT|O_EXCL, 0600, fsynced). If writing it fails (a full disk) the empty file is
 * removed again: a lock never names no one.
 */
export function createLock(file: string, logId: string): LockInfo {
  const info = ownLockInfo(logId);
  const bytes = Buffer.from(encodeDagJsonString(info) + '\n', 'utf8');
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`lock ${file} already exists: another writer owns log ${logId}`, { cause: err });
    throw err;
  }
  try {
    fs.fchmodSync(fd, 0o600);
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  return info;
}

export function readLock(file: string): LockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    if (typeof info.pid !== 'number' || typeof info.host !== 'string') return null;
    return info;
  } catch {
    return null;
  }
}

/**
 * True when the process the lock names could still be alive: other host (cannot tell), or a live pid
 * here that is the same incarnation (same boot, same process start time when the lock records them).
 */
export function lockHolderAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true;
  if (typeof info.boot === 'string') {
    const boot = bootId();
    if (boot && boot !== info.boot) return false;
  }
  const sameIncarnation = (): boolean => {
    if (typeof info.pstart !== 'string') return true;
    const now = processStartTicks(info.pid);
    return now === undefined || now === info.pstart;
  };
  if (info.pid === process.pid) return sameIncarnation();
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return sameIncarnation();
}
