/**
 * When a log is checkpointed and how (FORMAT.md section 6): every `checkpointEvery` records, every
 * `checkpointIntervalMs` if records were added, and at close; each time a statement over the log's
 * durable prefix, signed with the store key and written crash-safely. Knows logs only through
 * {@link CheckpointedLog}, so it depends on nothing in the store.
 */
import type { CID } from '../cid.js';
import type { CheckpointFile, CheckpointSeal, WitnessEntry } from '../record.js';
import { buildStatement, signStatement, writeCheckpoint } from './checkpoint.js';
import type { StoreKey } from './key.js';

/** What checkpointing needs of an open log. */
export interface CheckpointedLog {
  readonly id: string;
  /** The prefix known to be written: what a checkpoint may sign. */
  readonly durable: { size: number; root: Uint8Array; last: CID | null };
  /** Byte length of the pack up to the durable prefix: what a final checkpoint seals. */
  readonly durablePackBytes: number;
  /** Size of the last checkpoint written by this process, -1 for none. */
  checkpointedSize: number;
  readonly closed: boolean;
  /** fdatasyncs what was written without a sync: never sign what might not be on disk. */
  syncIfDirty(): void;
}

export interface CheckpointerOptions {
  /** Checkpoint after this many new records; 0 disables. */
  every: number;
  /** Checkpoint this often (ms) when records were added; 0 disables. */
  intervalMs: number;
  onWarning: (message: string) => void;
  /** The other logs a checkpoint of `logId` witnesses (FORMAT.md section 6.2); none when omitted. */
  witness?: (logId: string) => WitnessEntry[];
  /** Told of every checkpoint written (e.g. to publish the store after it); never allowed to throw into signing. */
  onCheckpoint?: (cp: CheckpointFile) => void;
}

export class Checkpointer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    readonly key: StoreKey,
    private readonly options: CheckpointerOptions,
  ) {}

  /**
   * Signs and writes a checkpoint of the first `size` records of `logId` (with `seal`: the log's final
   * checkpoint, marking it closed). Throws when it cannot.
   */
  sign(logId: string, size: number, root: Uint8Array, last: CID | null, seal?: CheckpointSeal): CheckpointFile {
    const witness = this.options.witness?.(logId);
    const cp = signStatement(buildStatement(logId, size, root, last, this.key, undefined, seal, witness), this.key);
    writeCheckpoint(this.dir, cp);
    try {
      this.options.onCheckpoint?.(cp);
    } catch (err) {
      this.options.onWarning(`checkpoint listener failed: ${(err as Error).message}`);
    }
    return cp;
  }

  /** After a write: checkpoints once `every` records were added since the last checkpoint. */
  afterWrite(log: CheckpointedLog): void {
    const every = this.options.every;
    if (every > 0 && log.durable.size - Math.max(0, log.checkpointedSize) >= every) this.checkpoint(log);
  }

  /** Checkpoints the durable prefix unless it already is; null (with a warning) when nothing was written. */
  checkpoint(log: CheckpointedLog): CheckpointFile | null {
    if (log.closed || log.checkpointedSize === log.durable.size) return null;
    try {
      log.syncIfDirty();
      const cp = this.sign(log.id, log.durable.size, log.durable.root, log.durable.last);
      log.checkpointedSize = log.durable.size;
      return cp;
    } catch (err) {
      this.options.onWarning(`checkpoint of log ${log.id} failed: ${(err as Error).message}`);
      return null;
    }
  }

  /**
   * The final checkpoint of a log being closed (its files already fsynced). With `seal` it marks the log
   * closed at its durable size and pack length (FORMAT.md section 6.1), so anything appended later is
   * tampering; without (the files may extend past the durable prefix) it is a plain checkpoint. Always
   * written, even at a size already checkpointed, so the seal replaces that file. Returns false, with a
   * warning, when it could not be written: the log's lock must then stay (FORMAT.md section 2).
   */
  final(log: CheckpointedLog, seal = true): boolean {
    try {
      const d = log.durable;
      if (seal || log.checkpointedSize !== d.size) this.sign(log.id, d.size, d.root, d.last, seal ? { packBytes: log.durablePackBytes } : undefined);
      log.checkpointedSize = d.size;
      return true;
    } catch (err) {
      this.options.onWarning(`final checkpoint of log ${log.id} failed: ${(err as Error).message}; its lock stays so the next open recovers it`);
      return false;
    }
  }

  /** Calls `tick` every `intervalMs` (the timer does not keep the process alive). */
  startInterval(tick: () => void): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
