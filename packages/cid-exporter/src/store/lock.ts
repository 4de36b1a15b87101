/**
 * Writer locks (FORMAT.md section 2): logs/<logId>.lock, created O_EXCL, holding host, pid and start time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { encodeDagJsonString } from '../dag-json/encode.js';
import { nowNs } from '../record.js';
import { createExclusive } from '../fs-util.js';

export interface LockInfo {
  host: string;
  log: string;
  pid: number;
  start: string;
}

export function createLock(file: string, logId: string): LockInfo {
  const info: LockInfo = { host: os.hostname(), log: logId, pid: process.pid, start: nowNs() };
  if (!createExclusive(file, encodeDagJsonString(info) + '\n')) throw new Error(`lock ${file} already exists: another writer owns log ${logId}`);
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

/** True when the process could still be alive: other host (cannot tell), or a live pid here. */
export function lockHolderAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true;
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
