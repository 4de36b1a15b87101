/**
 * Writes this process's log: encodes each append against the current log (chain, Merkle leaves, blocks),
 * queues its write, and gives a log up after a failed write (cut back to its last complete append,
 * closed with a checkpoint; the next append starts a new log, so nothing is ever chained to lost
 * records). Each log is written by exactly one writer (FORMAT.md section 1).
 */
import type { Checkpointer } from '../checkpoint/checkpointer.js';
import { BufferPool } from './buffer-pool.js';
import { OpenLog } from './open-log.js';
import type { ResolvedStoreOptions } from './options.js';
import { encodeAppend } from './record-encoder.js';
import type { AppendedRecord, AppendResult, RecordInput } from './record-input.js';
import { WriteQueue, datasync, type WriteJob } from './write-queue.js';

export class LogWriter {
  /** The log appends go to. */
  current: OpenLog;
  /** Ids of every log written (more than one only after a write failure forced a rotation). */
  readonly logIds: string[] = [];
  private readonly queue: WriteQueue;
  private readonly pool = new BufferPool();
  private generation = 0;
  private needRotate = false;
  private closing = false;
  private fsyncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly options: ResolvedStoreOptions,
    private readonly checkpoints: Checkpointer,
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
        this.flush().catch((err: Error) => options.onWarning(`interval fsync failed: ${err.message}`));
      }, options.fsyncIntervalMs);
      this.fsyncTimer.unref();
    }
  }

  /**
   * Encodes and chains `inputs` now, in call order; `durable` settles once their blocks (first) and lines
   * are written and, with durability 'batch', fsynced.
   */
  append(inputs: Iterable<RecordInput>): AppendResult {
    const log = this.logForAppend();
    const encoded = encodeAppend(log, inputs, this.pool);
    if (encoded.lines === null) {
      encoded.buffers.forEach((b) => this.pool.give(b));
      return { records: encoded.records, durable: Promise.resolve() };
    }
    const job: WriteJob = {
      log,
      generation: log.generation,
      state: 'queued',
      pack: encoded.pack,
      lines: encoded.lines,
      snapshot: encoded.snapshot,
      buffers: encoded.buffers,
    };
    return { records: encoded.records, durable: this.queue.enqueue(job) };
  }

  /** Appends and writes synchronously (recovery at open, when nothing else is queued). */
  appendSync(inputs: RecordInput[]): AppendedRecord[] {
    const log = this.logForAppend();
    const encoded = encodeAppend(log, inputs, this.pool);
    if (encoded.lines !== null) {
      this.queue.writeSync({
        log,
        generation: log.generation,
        state: 'queued',
        pack: encoded.pack,
        lines: encoded.lines,
        snapshot: encoded.snapshot,
        buffers: encoded.buffers,
      });
    }
    for (const r of encoded.records) if (r instanceof Error) throw r;
    return encoded.records as AppendedRecord[];
  }

  /** Resolves when every queued write has settled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Waits for every queued write and fsyncs the current log and pack. */
  async flush(): Promise<void> {
    await this.queue.idle();
    const log = this.current;
    if (log.closed) return;
    await datasync(log.packFd);
    await datasync(log.logFd);
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

  private logForAppend(): OpenLog {
    if (this.closing) throw new Error('ProvenanceStore is closed');
    if (this.needRotate) {
      this.needRotate = false;
      this.closeLog(this.current, true);
      this.current = this.openLog();
    }
    return this.current;
  }

  private openLog(): OpenLog {
    const log = OpenLog.create(this.dir, ++this.generation);
    this.logIds.push(log.id);
    return log;
  }

  /**
   * A write failed part-way: cut the files back to the last complete append and make the next append
   * start a new log (closing this one with a checkpoint). Appends already encoded against it fail.
   */
  private giveUp(log: OpenLog, err: Error): void {
    log.generation = -1;
    this.needRotate = true;
    this.options.onWarning(`write to log ${log.id} failed (${err.message}); the next append starts a new log`);
    log.cutBack();
  }

  private closeLog(log: OpenLog, closeFiles: boolean): void {
    if (log.closed) return;
    log.closed = true;
    log.fsyncBestEffort();
    if (!this.checkpoints.final(log)) log.keepLock = true;
    if (closeFiles) log.closeFiles();
    log.unlock();
  }
}
