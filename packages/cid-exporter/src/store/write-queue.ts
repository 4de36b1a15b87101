/**
 * The store's writes, in append order: per append one positional write of its pack sections, then (with
 * durability 'batch') an fdatasync, then one write of its lines and an fdatasync (FORMAT.md 5.1: blocks
 * are durable before the records that link them).
 *
 * Writes are positional (at the file offset the job's bytes belong at, never "the current position"): a
 * job whose async write is still in flight in the thread pool when {@link WriteQueue.takeOver} runs at
 * process exit is written again there, and both writes put identical bytes at identical offsets, so
 * nothing is doubled.
 */
import * as fs from 'node:fs';
import type { LogSnapshot, OpenLog } from './open-log.js';

export interface WriteJob {
  log: OpenLog;
  generation: number;
  /**
   * queued: waiting in the async queue; writing: its async write started; done: written by the async path;
   * taken: written synchronously (by appendSync or a takeover; the async path then skips it).
   */
  state: 'queued' | 'writing' | 'done' | 'taken';
  pack: Buffer | null;
  lines: Buffer;
  snapshot: LogSnapshot;
  /** The buffers `pack` and `lines` are views of. */
  buffers: Buffer[];
}

export interface WriteQueueHost {
  /** fdatasync every job before it counts as written (durability 'batch'). */
  readonly sync: boolean;
  /** A job is written: its log's durable snapshot has advanced. */
  written(job: WriteJob): void;
  /** The job's buffers are no longer used by any write (their async write completed). */
  release(job: WriteJob): void;
  /** A job's write failed (its log has to be given up). */
  failed(job: WriteJob, err: Error): void;
}

function writeAll(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number) => {
      if (off >= buf.length) return resolve();
      fs.write(fd, buf, off, buf.length - off, position + off, (err, n) => (err ? reject(err) : step(off + n)));
    };
    step(0);
  });
}

export function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

function writeAllSync(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off, position + off);
}

const staleError = () => new Error('an earlier write to this log failed; these records were chained to lost records and were not written');

export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();
  /** Jobs whose write has not completed, in order; {@link takeOver} writes them. */
  private readonly unwritten: WriteJob[] = [];

  constructor(private readonly host: WriteQueueHost) {}

  /** Resolves when every job queued so far has settled. */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Queues the job; the promise settles when it is written (and synced per durability). */
  enqueue(job: WriteJob): Promise<void> {
    this.unwritten.push(job);
    const done = this.tail.then(() => this.write(job));
    this.tail = done.catch(() => {});
    return done;
  }

  /** Writes and fdatasyncs the job now (also one whose async write is in flight: see the file comment). */
  writeSync(job: WriteJob): void {
    const log = job.log;
    if (job.generation !== log.generation) throw staleError();
    try {
      if (job.pack) {
        writeAllSync(log.packFd, job.pack, log.durablePackBytes);
        fs.fdatasyncSync(log.packFd);
      }
      writeAllSync(log.logFd, job.lines, log.durableLogBytes);
      fs.fdatasyncSync(log.logFd);
    } catch (err) {
      this.remove(job);
      this.host.failed(job, err as Error);
      throw err;
    }
    job.state = 'taken';
    this.markWritten(job);
  }

  /**
   * Writes every job whose write has not completed, synchronously, in order (for a close at process
   * exit). Stops at the first failure and returns it; `inFlight` says an async write was still in the
   * thread pool (its descriptors must then stay open until the process exits).
   */
  takeOver(): { failure: Error | undefined; inFlight: boolean } {
    let failure: Error | undefined;
    let inFlight = false;
    for (const job of [...this.unwritten]) {
      if (job.state === 'writing') inFlight = true;
      try {
        this.writeSync(job);
      } catch (err) {
        failure = err as Error;
        break;
      }
    }
    this.unwritten.length = 0;
    return { failure, inFlight };
  }

  private markWritten(job: WriteJob): void {
    const log = job.log;
    log.durable = job.snapshot;
    log.durableLogBytes += job.lines.length;
    log.durablePackBytes += job.pack?.length ?? 0;
    this.remove(job);
    this.host.written(job);
  }

  private remove(job: WriteJob): void {
    const i = this.unwritten.indexOf(job);
    if (i >= 0) this.unwritten.splice(i, 1);
  }

  private async write(job: WriteJob): Promise<void> {
    // A takeover already wrote it (or failed to, and reported that there).
    if (job.state === 'taken') return;
    const log = job.log;
    if (job.generation !== log.generation) {
      this.remove(job);
      throw staleError();
    }
    job.state = 'writing';
    const sync = this.host.sync;
    // Fixed now: a takeover advances the durable offsets meanwhile.
    const packAt = log.durablePackBytes;
    const logAt = log.durableLogBytes;
    const takenOver = () => job.state === 'taken';
    try {
      if (job.pack) {
        await writeAll(log.packFd, job.pack, packAt);
        // Blocks must be durable before the records that link them.
        if (sync && !takenOver()) await datasync(log.packFd);
      }
      // After a takeover, issue no further write: the takeover wrote (and fsynced) the same bytes.
      if (!takenOver()) await writeAll(log.logFd, job.lines, logAt);
      if (sync && !takenOver()) await datasync(log.logFd);
      else log.dirty = true;
    } catch (err) {
      if (takenOver()) return;
      this.remove(job);
      this.host.failed(job, err as Error);
      throw err;
    }
    if (takenOver()) return;
    job.state = 'done';
    this.markWritten(job);
    this.host.release(job);
  }
}
