/**
 * One log this process writes (FORMAT.md sections 1-3): its lock, its record file and block pack, and
 * its chain state (size, head, Merkle accumulator, blocks already packed), plus how much of it is known
 * to be on disk. Every log is new: logs are never resumed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CID } from '../cid.js';
import { FILE_MODE, fsyncDir } from '../fs-util.js';
import { MerkleAccumulator } from '../merkle.js';
import { storePaths } from '../record.js';
import { BlockSet } from './block-set.js';
import { createLock } from './lock.js';

/** A prefix of the log: what a checkpoint signs. */
export interface LogSnapshot {
  size: number;
  root: Buffer;
  last: CID | null;
}

function utcStamp(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

export function newLogId(): string {
  return `${utcStamp()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export class OpenLog {
  /** Records assigned so far (written or not) and the CID of the last one. */
  size = 0;
  head: CID | null = null;
  readonly merkle = new MerkleAccumulator();
  readonly knownBlocks = new BlockSet();
  /** The prefix known to be written (and synced per durability), and its byte lengths in both files. */
  durable: LogSnapshot;
  durableLogBytes = 0;
  durablePackBytes = 0;
  /** Bytes of lines and pack sections encoded so far (to size the next append's buffers). */
  encodedLineBytes = 0;
  encodedPackBytes = 0;
  /** Written but not fsynced yet (durability 'interval' / 'none'). */
  dirty = false;
  checkpointedSize = -1;
  closed = false;
  /**
   * The log may not end exactly at a final checkpoint (a failed write could not be cut back, or the final
   * checkpoint failed): closing keeps the lock so the next open recovers it (FORMAT.md section 2), and a
   * lock-less log always ends at its final checkpoint.
   */
  keepLock = false;
  /** The log id as DAG-JSON bytes (`"<log id>"`). */
  readonly idBytes: Uint8Array;
  /** The log file's inode: a store directory deleted or replaced under us no longer has it at its path. */
  inode = 0;

  private constructor(
    readonly dir: string,
    readonly id: string,
    public logFd: number,
    public packFd: number,
    /** Set to -1 when a write to this log failed: appends encoded against it are void. */
    public generation: number,
  ) {
    this.durable = { size: 0, root: this.merkle.root(), last: null };
    this.idBytes = Buffer.from(JSON.stringify(id), 'utf8');
  }

  /**
   * Creates the lock, then the log file and the pack (O_EXCL, 0600), and fsyncs their directories. When
   * any step fails (a full or read-only disk) nothing of the log is left behind: no empty lock or file.
   */
  static create(dir: string, generation: number): OpenLog {
    const id = newLogId();
    const made: string[] = [];
    const fds: number[] = [];
    try {
      createLock(path.join(dir, storePaths.lock(id)), id);
      made.push(storePaths.lock(id));
      for (const rel of [storePaths.log(id), storePaths.pack(id)]) {
        fds.push(fs.openSync(path.join(dir, rel), 'wx', FILE_MODE));
        made.push(rel);
        fs.fchmodSync(fds[fds.length - 1]!, FILE_MODE);
      }
      fsyncDir(path.join(dir, storePaths.logsDir));
      fsyncDir(path.join(dir, storePaths.blocksDir));
    } catch (err) {
      for (const fd of fds) fs.closeSync(fd);
      for (const rel of made.reverse()) fs.rmSync(path.join(dir, rel), { force: true });
      throw err;
    }
    const log = new OpenLog(dir, id, fds[0]!, fds[1]!, generation);
    log.inode = fs.fstatSync(log.logFd).ino;
    return log;
  }

  /** True when the log file is still at its path in the store (not deleted, not replaced). */
  stillInPlace(): boolean {
    const st = fs.statSync(path.join(this.dir, storePaths.log(this.id)), { throwIfNoEntry: false });
    return st !== undefined && st.ino === this.inode;
  }

  /** fdatasyncs the pack, then the log, if anything was written without a sync. */
  syncIfDirty(): void {
    if (!this.dirty) return;
    fs.fdatasyncSync(this.packFd);
    fs.fdatasyncSync(this.logFd);
    this.dirty = false;
  }

  /**
   * After a failed write: cuts both files back to the last complete append, so every acknowledged
   * record stays and no partial one does. If that fails too, the lock stays and the next process's
   * recovery cuts and records the torn tail.
   */
  cutBack(): void {
    try {
      if (fs.fstatSync(this.logFd).size > this.durableLogBytes) fs.ftruncateSync(this.logFd, this.durableLogBytes);
      if (fs.fstatSync(this.packFd).size > this.durablePackBytes) fs.ftruncateSync(this.packFd, this.durablePackBytes);
    } catch {
      this.keepLock = true;
    }
  }

  /** fsyncs both files (best effort: the durable snapshot only covers what was acknowledged). */
  fsyncBestEffort(): void {
    try {
      fs.fsyncSync(this.packFd);
      fs.fsyncSync(this.logFd);
    } catch {
      /* see above */
    }
  }

  /** Closes both files for good: a later write through this log fails (EBADF), never reaching a reused fd. */
  closeFiles(): void {
    const fds = [this.logFd, this.packFd];
    this.logFd = -1;
    this.packFd = -1;
    for (const fd of fds) {
      if (fd < 0) continue;
      try {
        fs.closeSync(fd);
      } catch {
        /* closed either way */
      }
    }
  }

  /** Removes the lock (after the final checkpoint), unless the log must be recovered by the next open. */
  unlock(): void {
    if (this.keepLock) return;
    try {
      fs.unlinkSync(path.join(this.dir, storePaths.lock(this.id)));
      fsyncDir(path.join(this.dir, storePaths.logsDir));
    } catch {
      /* already gone */
    }
  }
}
