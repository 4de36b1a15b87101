/**
 * Writes this process's log: encodes each append against the current log (chain, Merkle leaves, blocks)
 * and queues its write. Storage faults (FORMAT.md section 2, "Storage faults"): when a write or fsync
 * fails, or the store directory is deleted or replaced, the log is closed for good at once (cut back to
 * its last complete append, signed up to there when its files can still be trusted, its descriptors
 * closed so no later write can reach a file that reuses their numbers). Appends then fail until a new log
 * opens, tried with back-off; the first record of the new log is a `dropped` record counting what could
 * not be stored meanwhile. Each state change is said once, in one line. Each log is written by exactly
 * one writer (FORMAT.md section 1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Checkpointer } from '../checkpoint/checkpointer.js';
import { ensureDir, writeFileOnce } from '../fs-util.js';
import { nowNs, storePaths } from '../record.js';
import { BufferPool } from './buffer-pool.js';
import { OpenLog } from './open-log.js';
import type { ResolvedStoreOptions } from './options.js';
import { encodeAppend, type EncodedAppend } from './record-encoder.js';
import type { AppendedRecord, AppendResult, RecordDraft, RecordInput } from './record-input.js';
import { WriteQueue, datasync, type WriteJob } from './write-queue.js';
import type { StoreWitness } from './witness.js';

/** `reason` of the `dropped` record that counts records lost to a storage fault (FORMAT.md 3.4). */
export const DROPPED_REASON_STORE_UNAVAILABLE = 'store unavailable';

const MAX_BACKOFF_MS = 30_000;

/** A storage fault in progress: since when, why, and how many records could not be stored. */
interface Outage {
  since: string;
  error: string;
  lost: number;
  /** No new log before this time (ms), doubling per failed try. */
  retryAt: number;
  backoffMs: number;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

function isoOf(ns: string): string {
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}

export class LogWriter {
  /** The log appends go to (closed after a storage fault, until a new one opens). */
  current: OpenLog;
  /** Ids of every log written (more than one only after a storage fault forced a new log). */
  readonly logIds: string[] = [];
  private readonly queue: WriteQueue;
  private readonly pool = new BufferPool();
  private generation = 0;
  private closing = false;
  private outage: Outage | null = null;
  /** Logs closed after a storage fault whose final checkpoint could not be written yet (a full disk). */
  private readonly unsealed: OpenLog[] = [];
  private fsyncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly options: ResolvedStoreOptions,
    private readonly checkpoints: Checkpointer,
    private readonly witness?: StoreWitness,
  ) {
    this.queue = new WriteQueue({
      sync: options.durability === 'batch',
      written: (job) => checkpoints.afterWrite(job.log),
      release: (job) => job.buffers.forEach((b) => this.pool.give(b)),
      failed: (job, err) => this.giveUp(job.log, err),
    });
    this.current = this.openLog();
    if (options.durability === 'interval' && options.fsyncIntervalMs > 0) {
      this.fsyncTimer = setInterval(() => {
        const log = this.current;
        if (!log.dirty || log.closed) return;
        this.flush().catch(() => {
          /* said once by giveUp */
        });
      }, options.fsyncIntervalMs);
      this.fsyncTimer.unref();
    }
  }

  /**
   * Encodes and chains `inputs` now, in call order; `durable` settles once their blocks (first) and lines
   * are written and, with durability 'batch', fsynced. Throws while the store is unavailable.
   */
  append(inputs: Iterable<RecordInput>): AppendResult {
    const log = this.logForAppend(inputs);
    const encoded = encodeAppend(log, inputs, this.pool);
    if (encoded.lines === null) {
      encoded.buffers.forEach((b) => this.pool.give(b));
      return { records: encoded.records, durable: Promise.resolve() };
    }
    const job = writeJob(log, encoded);
    return { records: encoded.records, durable: this.queue.enqueue(job) };
  }

  /** Appends and writes synchronously (recovery at open, when nothing else is queued). */
  appendSync(inputs: RecordInput[]): AppendedRecord[] {
    const log = this.logForAppend(inputs);
    const encoded = encodeAppend(log, inputs, this.pool);
    if (encoded.lines !== null) {
      this.queue.writeSync(writeJob(log, encoded));
    }
    for (const r of encoded.records) if (r instanceof Error) throw r;
    return encoded.records as AppendedRecord[];
  }

  /** Resolves when every queued write has settled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Waits for every queued write and fsyncs the current log and pack (a failed fsync fails the log). */
  async flush(): Promise<void> {
    await this.queue.idle();
    const log = this.current;
    if (log.closed) return;
    try {
      await datasync(log.packFd);
      await datasync(log.logFd);
    } catch (err) {
      this.giveUp(log, err as Error);
      throw err;
    }
    log.dirty = false;
  }

  /**
   * Writes every append whose write has not completed synchronously (taking over one in flight), then
   * closes the log like {@link close}. Throws the write failure, if any, after closing.
   */
  closeSync(): void {
    // Also after an async close() began but has not closed the log yet (it then finds nothing to do).
    if (this.current.closed) return;
    this.stop();
    const { failure, inFlight } = this.queue.takeOver();
    // With an async write still in the thread pool, the descriptors stay open (the exiting process closes
    // them): closing would let a new file reuse the number while that write is still aimed at it.
    this.closeLog(this.current, !inFlight);
    if (failure) throw failure;
  }

  /** Finishes queued writes, writes the final checkpoint, closes the files and removes the lock. */
  async close(): Promise<void> {
    this.stop();
    await this.queue.idle();
    this.closeLog(this.current, true);
  }

  private stop(): void {
    this.closing = true;
    clearInterval(this.fsyncTimer);
  }

  /**
   * The log to append to: the current one while it is healthy and still in place; after a storage fault
   * a new one (once the back-off allows), whose first record counts what was lost. Throws while none can
   * be opened, counting `inputs` as lost.
   */
  private logForAppend(inputs: Iterable<RecordInput>): OpenLog {
    if (this.closing) throw new Error('ProvenanceStore is closed');
    let log = this.current;
    if (!log.closed && !log.stillInPlace()) {
      this.giveUp(log, new Error(`the store directory ${this.dir} was deleted or replaced`), true);
    }
    if (!log.closed) return log;
    const outage = this.outage!;
    if (Date.now() >= outage.retryAt) {
      try {
        log = this.openLog();
      } catch (err) {
        outage.backoffMs = Math.min(MAX_BACKOFF_MS, outage.backoffMs * 2);
        outage.retryAt = Date.now() + outage.backoffMs;
        outage.error = oneLine((err as Error).message);
      }
    }
    if (log.closed) {
      outage.lost += Array.isArray(inputs) ? inputs.length : [...inputs].length;
      throw new Error(`provenance store unavailable since ${isoOf(outage.since)} (${outage.error}); records are not stored until a new log opens`);
    }
    this.current = log;
    // Space is back: seal the logs that failed for want of it.
    for (const failed of this.unsealed.splice(0)) if (!this.seal(failed)) this.unsealed.push(failed);
    this.recordOutage(log, outage);
    return log;
  }

  /** Opens a new log, recreating the store's directories (and key file) if they were deleted. */
  private openLog(): OpenLog {
    if (this.logIds.length > 0) {
      for (const sub of [storePaths.logsDir, storePaths.blocksDir, storePaths.checkpointsDir, storePaths.keysDir]) ensureDir(path.join(this.dir, sub));
      const keyFile = path.join(this.dir, storePaths.key);
      if (!fs.existsSync(keyFile)) writeFileOnce(keyFile, this.checkpoints.key.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    }
    const log = OpenLog.create(this.dir, ++this.generation);
    this.logIds.push(log.id);
    this.writeWitness(log);
    return log;
  }

  /** A new log's first record: the other logs of the store it sees (FORMAT.md 3.6), written before any other. */
  private writeWitness(log: OpenLog): void {
    const draft = this.witness?.firstRecord(log.id);
    if (!draft) return;
    const encoded = encodeAppend(log, [draft], this.pool);
    this.queue.writeSync(writeJob(log, encoded));
  }

  /** The first record of the log after an outage: a `dropped` record counting what was lost (FORMAT.md 3.4). */
  private recordOutage(log: OpenLog, outage: Outage): void {
    const lost = outage.lost;
    const draft: RecordDraft = {
      fields: { count: lost, error: outage.error, reason: DROPPED_REASON_STORE_UNAVAILABLE, since: outage.since, time: nowNs(), type: 'dropped' },
      blocks: [],
    };
    const encoded = encodeAppend(log, [draft], this.pool);
    const job = writeJob(log, encoded);
    this.outage = null;
    this.options.onWarning(
      `writing again, to new log ${log.id}: ${lost} records could not be stored since ${isoOf(outage.since)}; the log's first record counts them`,
    );
    // If this write fails too, the new log fails and the next log counts these records again.
    this.queue.enqueue(job).catch(() => {
      if (this.outage) this.outage.lost += lost;
    });
  }

  /**
   * A storage fault: the log is closed for good at once (cut back to its last complete append; signed up
   * to there unless its files are gone; descriptors closed) and appends fail until a new log opens.
   * Appends already encoded against it fail. Said once per outage.
   */
  private giveUp(log: OpenLog, err: Error, deleted = false): void {
    if (log.generation === -1) return;
    log.generation = -1;
    // Records assigned but not durable are lost; with the directory gone, so is every record of the log.
    const lost = log.size - (deleted ? 0 : log.durable.size);
    const first = this.outage === null;
    // The first new log is tried at the next append; the back-off grows only while tries fail.
    this.outage ??= { since: nowNs(), error: oneLine(err.message), lost: 0, retryAt: 0, backoffMs: this.options.reopenBackoffMs / 2 };
    this.outage.lost += lost;
    if (!deleted) log.cutBack();
    let kept = deleted ? `its ${log.size} records were deleted with it` : `its first ${log.durable.size} records are kept`;
    if (!log.closed) {
      log.closed = true;
      let sealable = !deleted && !log.keepLock;
      if (sealable) {
        try {
          // Never seal what might not be on disk: the cut-back files must sync, or the log stays locked
          // for the next open to recover.
          fs.fsyncSync(log.packFd);
          fs.fsyncSync(log.logFd);
          log.dirty = false;
        } catch {
          sealable = false;
          log.keepLock = true;
        }
      }
      log.closeFiles();
      if (!sealable) {
        if (!deleted) kept += ' (its lock stays: the next open recovers it)';
      } else if (this.seal(log)) {
        kept += ' and sealed';
      } else {
        this.unsealed.push(log);
        kept += ', sealed once a checkpoint can be written';
      }
    }
    if (first) this.options.onWarning(`log ${log.id} failed (${oneLine(err.message)}): ${kept}; records are not stored until a new log opens (retrying)`);
  }

  /** Writes the final checkpoint of a log closed after a fault and removes its lock; false when it cannot yet. */
  private seal(log: OpenLog): boolean {
    const d = log.durable;
    try {
      this.checkpoints.sign(log.id, d.size, d.root, d.last, { packBytes: log.durablePackBytes });
    } catch {
      return false;
    }
    log.checkpointedSize = d.size;
    log.unlock();
    return true;
  }

  private closeLog(log: OpenLog, closeFiles: boolean): void {
    if (log.closed) return;
    log.closed = true;
    log.fsyncBestEffort();
    // A log whose failed write could not be cut back may hold bytes past its durable prefix: not sealed.
    if (!this.checkpoints.final(log, !log.keepLock)) log.keepLock = true;
    if (closeFiles) log.closeFiles();
    log.unlock();
  }
}

/** The write of an encoded append that appended at least one record. */
function writeJob(log: OpenLog, encoded: EncodedAppend): WriteJob {
  return {
    log,
    generation: log.generation,
    state: 'queued',
    pack: encoded.pack,
    lines: encoded.lines!,
    snapshot: encoded.snapshot,
    buffers: encoded.buffers,
  };
}
