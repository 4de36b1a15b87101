/**
 * The store's writes, in append order. Appends queued while a write is under way are merged: per group of
 * queued appends to one log, one positional write of all their pack sections, then (with durability
 * 'batch') one fdatasync, then one write of all their lines and one fdatasync (FORMAT.md 5.1: blocks are
 * durable before the records that link them). Each write costs the event loop a turn to hand over and
 * one to complete, and a busy app's turns are long; merging lets the queue drain at the disk's pace, so
 * the bytes waiting for the disk stay few under a burst instead of growing with it.
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

/**
 * Most buffers handed to one writev: libuv writes at most IOV_MAX (1024 on Linux) per call and reports a
 * short write for the rest, which the loop below continues anyway.
 */
const MAX_GROUP = 256;

/** Writes `bufs` one after the other at `position`, continuing after short writes. */
function writeAll(fd: number, bufs: Buffer[], position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let i = 0;
    let at = position;
    const step = () => {
      while (i < bufs.length && bufs[i]!.length === 0) i++;
      if (i >= bufs.length) return resolve();
      const done = (err: Error | null, n: number) => {
        if (err) return reject(err);
        at += n;
        // Drop what was written: whole buffers, then the written start of a partial one.
        while (n > 0) {
          const b = bufs[i]!;
          if (n >= b.length) {
            n -= b.length;
            i++;
          } else {
            bufs[i] = b.subarray(n);
            n = 0;
          }
        }
        step();
      };
      if (i === bufs.length - 1) fs.write(fd, bufs[i]!, 0, bufs[i]!.length, at, done);
      else fs.writev(fd, bufs.slice(i), at, done);
    };
    step();
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

interface Queued {
  job: WriteJob;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class WriteQueue {
  /** Settles when the job queued last has settled (jobs settle in order). */
  private tail: Promise<void> = Promise.resolve();
  /** Jobs queued whose async write has not started, in order. */
  private readonly queued: Queued[] = [];
  private draining = false;
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
    const done = new Promise<void>((resolve, reject) => this.queued.push({ job, resolve, reject }));
    this.tail = done.catch(() => {});
    if (!this.draining) {
      this.draining = true;
      // Started after this turn, so appends queued in the same turn go out together.
      queueMicrotask(() => void this.drain());
    }
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

  /** Writes the queued jobs, a group at a time, until none is left. */
  private async drain(): Promise<void> {
    while (this.queued.length > 0) await this.writeGroup(this.takeGroup());
    this.draining = false;
  }

  /** The queued jobs from the first on that go to the same log, at most {@link MAX_GROUP}. */
  private takeGroup(): Queued[] {
    const q = this.queued;
    const first = q[0]!.job;
    let n = 1;
    while (n < q.length && n < MAX_GROUP && q[n]!.job.log === first.log && q[n]!.job.generation === first.generation) n++;
    return q.splice(0, n);
  }

  private async writeGroup(group: Queued[]): Promise<void> {
    // A takeover already wrote them (or failed to, and reported that there).
    const open = group.filter((g) => g.job.state !== 'taken');
    for (const g of group) if (g.job.state === 'taken') g.resolve();
    if (open.length === 0) return;
    const log = open[0]!.job.log;
    const generation = open[0]!.job.generation;
    if (generation !== log.generation) {
      for (const g of open) {
        this.remove(g.job);
        g.reject(staleError());
      }
      return;
    }
    const packs: Buffer[] = [];
    const lines: Buffer[] = [];
    for (const g of open) {
      g.job.state = 'writing';
      if (g.job.pack) packs.push(g.job.pack);
      lines.push(g.job.lines);
    }
    const sync = this.host.sync;
    // Fixed now: a takeover advances the durable offsets meanwhile.
    const packAt = log.durablePackBytes;
    const logAt = log.durableLogBytes;
    // After a takeover (which writes every unwritten job, in order, and fsyncs), issue no further write:
    // the takeover wrote the same bytes. A failed log takes no further write either.
    const stop = () => open[0]!.job.state === 'taken' || log.generation !== generation;
    try {
      if (packs.length > 0) {
        await writeAll(log.packFd, packs, packAt);
        // Blocks must be durable before the records that link them.
        if (sync && !stop()) await datasync(log.packFd);
      }
      if (!stop()) await writeAll(log.logFd, lines, logAt);
      if (sync && !stop()) await datasync(log.logFd);
      else log.dirty = true;
    } catch (err) {
      for (const g of open) {
        if (g.job.state === 'taken') {
          g.resolve();
          continue;
        }
        this.remove(g.job);
        this.host.failed(g.job, err as Error);
        g.reject(err as Error);
      }
      return;
    }
    for (const g of open) {
      const job = g.job;
      if (job.state === 'taken') {
        g.resolve();
        continue;
      }
      if (log.generation !== generation) {
        // The log failed while this write was under way (a takeover that failed): not written for sure.
        this.remove(job);
        g.reject(staleError());
        continue;
      }
      job.state = 'done';
      this.markWritten(job);
      this.host.release(job);
      g.resolve();
    }
  }
}
