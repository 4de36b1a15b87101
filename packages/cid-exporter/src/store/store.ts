/**
 * ProvenanceStore: a store directory (FORMAT.md) opened for writing. Composes this process's log writer
 * (./log-writer.ts: records, blocks, write queue), checkpointing (../checkpoint/checkpointer.ts) and
 * recovery of abandoned logs at open (./recovery.ts). Every store instance writes its own new log; logs
 * are never resumed.
 */
import * as path from 'node:path';
import type { CID } from '../cid.js';
import { Checkpointer } from '../checkpoint/checkpointer.js';
import { loadOrCreateKey } from '../checkpoint/key.js';
import { ensureDir } from '../fs-util.js';
import { storePaths, type CheckpointFile } from '../record.js';
import { LogWriter } from './log-writer.js';
import { resolveStoreOptions, type ProvenanceStoreOptions, type ResolvedStoreOptions } from './options.js';
import type { AppendedRecord, AppendResult, RecordInput } from './record-input.js';
import { recoverAbandonedLogs } from './recovery.js';
import { StoreWitness } from './witness.js';

export class ProvenanceStore {
  readonly dir: string;
  readonly options: ResolvedStoreOptions;
  private readonly checkpoints: Checkpointer;
  private readonly writer: LogWriter;
  private closing: Promise<void> | undefined;

  protected constructor(options: ResolvedStoreOptions) {
    this.options = options;
    this.dir = options.dir;
    ensureDir(this.dir);
    for (const sub of [storePaths.logsDir, storePaths.blocksDir, storePaths.checkpointsDir, storePaths.keysDir]) ensureDir(path.join(this.dir, sub));
    // Every log this store opens, and every checkpoint it signs, witnesses the store's other logs.
    const witness = new StoreWitness(this.dir);
    this.checkpoints = new Checkpointer(this.dir, loadOrCreateKey(this.dir), {
      every: options.checkpointEvery,
      intervalMs: options.checkpointIntervalMs,
      onWarning: options.onWarning,
      witness: (logId) => witness.atCheckpoint(logId),
      onCheckpoint: options.onCheckpoint && ((cp) => options.onCheckpoint!(cp.statement.log, cp.statement.size)),
    });
    this.writer = new LogWriter(this.dir, options, this.checkpoints, witness);
  }

  /** Opens (creating if needed) the store directory, starts a new log and recovers abandoned logs. */
  static open(options: ProvenanceStoreOptions = {}): ProvenanceStore {
    const store = new this(resolveStoreOptions(options));
    if (store.options.recover) {
      recoverAbandonedLogs(store.dir, store.logId, {
        appendSync: (drafts) => store.appendSync(drafts),
        keyFingerprint: store.publicKeyFingerprint,
        warn: store.options.onWarning,
      });
    }
    store.checkpoints.startInterval(() => {
      store.checkpoint().catch((err: Error) => store.options.onWarning(`interval checkpoint failed: ${err.message}`));
    });
    return store;
  }

  /** Id of the log currently written. */
  get logId(): string {
    return this.writer.current.id;
  }

  /** Ids of every log this store wrote (more than one only after a write failure forced a rotation). */
  get logIds(): readonly string[] {
    return this.writer.logIds;
  }

  /** Records assigned so far in the current log (durable or not). */
  get size(): number {
    return this.writer.current.size;
  }

  /** Records of the current log known to be written (and synced per durability). */
  get durableSize(): number {
    return this.writer.current.durable.size;
  }

  /** CID of the last record of the current log, or null. */
  get head(): CID | null {
    return this.writer.current.head;
  }

  get publicKeyFingerprint(): string {
    return this.checkpoints.key.fingerprint;
  }

  /**
   * Appends records. Encoding and chaining happen now, in call order; the returned `durable` promise
   * settles once the blocks (first) and then the lines are written and, with durability 'batch', fsynced.
   */
  append(inputs: Iterable<RecordInput>): AppendResult {
    return this.writer.append(inputs);
  }

  /** Synchronous append, used by recovery at open (nothing else is queued then). */
  appendSync(inputs: RecordInput[]): AppendedRecord[] {
    return this.writer.appendSync(inputs);
  }

  /** Signs and writes a checkpoint of the first `size` records of a log of this store. */
  writeSignedCheckpoint(logId: string, size: number, root: Uint8Array, last: CID | null): CheckpointFile {
    return this.checkpoints.sign(logId, size, root, last);
  }

  /** Waits for queued appends, fsyncs, and writes a checkpoint of the current log. */
  async checkpoint(): Promise<CheckpointFile | null> {
    await this.writer.idle();
    return this.checkpoints.checkpoint(this.writer.current);
  }

  /** Waits for every queued append and fsyncs the current log and pack. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * Synchronous close for a `process.on('exit')` handler, where nothing can be awaited: writes and
   * fdatasyncs every append whose write has not completed (taking over one whose async write is in flight:
   * writes are positional, so both land the same bytes at the same offsets and no record is doubled),
   * then writes the final signed checkpoint, closes the files and removes the lock, exactly like close().
   * Appends after this throw. The async writes it took over resolve their `durable` promises (should the
   * event loop ever run again) without writing. If a write fails, the records from that append on are not
   * in the log (the partial tail is cut as after any failed write); the error is thrown after closing.
   */
  closeSync(): void {
    this.closing ??= Promise.resolve();
    this.checkpoints.stop();
    this.writer.closeSync();
  }

  /** Finishes queued appends, writes the final checkpoint, closes the files and removes the lock. */
  close(): Promise<void> {
    if (!this.closing) {
      this.checkpoints.stop();
      this.closing = this.writer.close();
    }
    return this.closing;
  }
}
