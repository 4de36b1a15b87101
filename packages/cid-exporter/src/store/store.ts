/**
 * ProvenanceStore: one writer's log (records as DAG-JSON lines, hash-chained), its block pack, and
 * checkpoints. Layout and rules: FORMAT.md. Every store instance writes its own new log; logs are never
 * resumed (abandoned ones are recovered on open, see ./recovery.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CID, dagJsonCid } from '../cid.js';
import { encodeDagJsonString } from '../dag-json/encode.js';
import { MerkleAccumulator, leafHashOfPrefixed } from '../merkle.js';
import { BlockSet } from './block-set.js';
import { ByteBatch } from './byte-batch.js';
import { renderRecordText, type PreEncodedDraft } from './record-text.js';
import { storePaths, type CheckpointFile, type DagValue } from '../record.js';
import { loadOrCreateKey, type StoreKey } from '../checkpoint/key.js';
import { buildStatement, signStatement, writeCheckpoint } from '../checkpoint/checkpoint.js';
import { FILE_MODE, ensureDir, fsyncDir } from './fs-util.js';
import { createLock } from './lock.js';
import { resolveStoreOptions, type ProvenanceStoreOptions, type ResolvedStoreOptions } from './options.js';
import { recoverAbandonedLogs } from './recovery.js';
import { queryStore, type QueryFilter, type QueryResult } from '../query/query.js';
import type { VerifyOptions, VerifyReport } from '../verify/report.js';
import { verifyStore } from '../verify/verify-store.js';

export interface BlockInput {
  cid: CID;
  bytes: Uint8Array;
}

/**
 * A record without the fields the store assigns (`v`, `log`, `seq`, `prev`), plus the blocks it links.
 * `append` takes ownership of `fields` and sets those four keys on it.
 */
export interface RecordDraft {
  fields: { [key: string]: DagValue };
  blocks: BlockInput[];
}

export interface AppendedRecord {
  cid: CID;
  log: string;
  seq: number;
  /** The exact line bytes (without newline). */
  line: Buffer;
}

export interface AppendResult {
  /** One entry per draft: the record, or the error that kept this draft out of the log. */
  records: (AppendedRecord | Error)[];
  /** Resolves when every appended record and its blocks are written (and fsynced per durability). */
  durable: Promise<void>;
}

interface Snapshot {
  size: number;
  root: Buffer;
  last: CID | null;
}

interface WriteJob {
  generation: number;
  /**
   * queued: waiting in the async queue; writing: its async write started; done: written by the async path;
   * taken: written by closeSync() (the async path then skips it).
   */
  state: 'queued' | 'writing' | 'done' | 'taken';
  pack: Buffer | null;
  log: Buffer;
  snapshot: Snapshot;
}

interface OpenLog {
  id: string;
  logFd: number;
  packFd: number;
  generation: number;
  size: number;
  head: CID | null;
  merkle: MerkleAccumulator;
  knownBlocks: BlockSet;
  durable: Snapshot;
  checkpointedSize: number;
  /** Bytes of the log and pack files covered by `durable`. */
  durableLogBytes: number;
  durablePackBytes: number;
  dirty: boolean;
  closed: boolean;
  /**
   * The log may not end exactly at a final checkpoint (a failed write could not be cut back, or the final
   * checkpoint failed): closing keeps the lock so the next open recovers it (FORMAT.md section 2), and a
   * lock-less log always ends at its final checkpoint.
   */
  keepLock?: boolean;
}

function utcStamp(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

export function newLogId(): string {
  return `${utcStamp()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

// Writes are positional (at the file offset the job's bytes belong at, never "the current position"): a
// job whose async write is still in flight in the thread pool when closeSync() runs at process exit is
// written again there, and both writes put identical bytes at identical offsets, so nothing is doubled.
function writeAll(fd: number, buf: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number) => {
      if (off >= buf.length) return resolve();
      fs.write(fd, buf, off, buf.length - off, position + off, (err, n) => (err ? reject(err) : step(off + n)));
    };
    step(0);
  });
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

function writeAllSync(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off, position + off);
}

export class ProvenanceStore {
  readonly dir: string;
  readonly options: ResolvedStoreOptions;
  private readonly key: StoreKey;
  private current: OpenLog;
  private queue: Promise<void> = Promise.resolve();
  /** Encoded appends whose write has not completed (in order); closeSync() takes them over. */
  private readonly unwritten: WriteJob[] = [];
  private fsyncTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private generation = 0;
  private needRotate = false;
  /** Ids of every log this store wrote (more than one only after a write failure forced a rotation). */
  readonly logIds: string[] = [];

  private constructor(options: ResolvedStoreOptions) {
    this.options = options;
    this.dir = options.dir;
    ensureDir(this.dir);
    for (const sub of [storePaths.logsDir, storePaths.blocksDir, storePaths.checkpointsDir, storePaths.keysDir]) ensureDir(path.join(this.dir, sub));
    this.key = loadOrCreateKey(this.dir);
    this.current = this.openNewLog();
  }

  /** Opens (creating if needed) the store directory, starts a new log and recovers abandoned logs. */
  static open(options: ProvenanceStoreOptions = {}): ProvenanceStore {
    const store = new ProvenanceStore(resolveStoreOptions(options));
    if (store.options.recover) {
      recoverAbandonedLogs(store.dir, store.current.id, {
        appendSync: (drafts) => store.appendSync(drafts),
        checkpoint: (logId, size, root, last) => store.writeSignedCheckpoint(logId, size, root, last),
        warn: store.options.onWarning,
      });
    }
    store.startTimers();
    return store;
  }

  /** Span records of every log in this store matching `filter`, newest first (see queryStore). */
  query(filter: QueryFilter = {}): QueryResult[] {
    return queryStore(this.dir, filter);
  }

  /** Verifies every log of this store from the bytes on disk (see verifyStore). */
  verify(options: VerifyOptions = {}): VerifyReport {
    return verifyStore(this.dir, options);
  }

  /** Id of the log currently written. */
  get logId(): string {
    return this.current.id;
  }

  /** Records assigned so far in the current log (durable or not). */
  get size(): number {
    return this.current.size;
  }

  /** Records of the current log known to be written (and synced per durability). */
  get durableSize(): number {
    return this.current.durable.size;
  }

  /** CID of the last record of the current log, or null. */
  get head(): CID | null {
    return this.current.head;
  }

  get publicKeyFingerprint(): string {
    return this.key.fingerprint;
  }

  private openNewLog(): OpenLog {
    const id = newLogId();
    createLock(path.join(this.dir, storePaths.lock(id)), id);
    const logFd = fs.openSync(path.join(this.dir, storePaths.log(id)), 'wx', FILE_MODE);
    const packFd = fs.openSync(path.join(this.dir, storePaths.pack(id)), 'wx', FILE_MODE);
    fs.fchmodSync(logFd, FILE_MODE);
    fs.fchmodSync(packFd, FILE_MODE);
    fsyncDir(path.join(this.dir, storePaths.logsDir));
    fsyncDir(path.join(this.dir, storePaths.blocksDir));
    this.logIds.push(id);
    const merkle = new MerkleAccumulator();
    return {
      id,
      logFd,
      packFd,
      generation: ++this.generation,
      size: 0,
      head: null,
      merkle,
      knownBlocks: new BlockSet(),
      durable: { size: 0, root: merkle.root(), last: null },
      checkpointedSize: -1,
      durableLogBytes: 0,
      durablePackBytes: 0,
      dirty: false,
      closed: false,
    };
  }

  /** Encodes drafts into lines and pack sections, advancing the chain. Synchronous; no I/O. */
  private encode(drafts: Iterable<RecordDraft | PreEncodedDraft>): { records: (AppendedRecord | Error)[]; job: WriteJob | null } {
    if (this.closing) throw new Error('ProvenanceStore is closed');
    if (this.needRotate) this.rotate();
    const log = this.current;
    const records: (AppendedRecord | Error)[] = [];
    const encoder = this.options.encoder;
    // All lines of this append go into one buffer, "\n"-separated, preceded by one spare byte. The byte
    // before each line (the spare byte, or the previous line's "\n") is set to 0x00 for a moment so the
    // Merkle leaf hash sha256(0x00 || line) is taken over the line in place, without a copy.
    const sizeHint = Array.isArray(drafts) ? drafts.length * 1024 + 64 : 1 << 16;
    const lines = new ByteBatch(sizeHint, 1);
    let packs: ByteBatch | null = null;
    let count = 0;
    for (const draft of drafts) {
      let text: string | null = null;
      let bytes: Uint8Array | null = null;
      try {
        if ('text' in draft) {
          if (encoder) throw new Error('a pre-encoded record draft was given to a store with a custom encoder');
          text = renderRecordText(draft.text, log.id, log.head, log.size);
        } else {
          // Assigned in place (the store owns the draft now): builders that already hold these keys in
          // sorted position keep the map in canonical order, so the encoder need not sort it.
          const value = draft.fields;
          value['log'] = log.id;
          value['prev'] = log.head;
          value['seq'] = log.size;
          value['v'] = 1;
          if (encoder) bytes = encoder(value);
          else text = encodeDagJsonString(value);
        }
      } catch (err) {
        records.push(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      const start = text !== null ? lines.writeUtf8(text) : lines.writeBytes(bytes!);
      const end = lines.pos;
      const line = lines.view(start, end);
      const buf = lines.buf;
      buf[start - 1] = 0x00;
      const leaf = leafHashOfPrefixed(buf.subarray(start - 1, end));
      buf[start - 1] = 0x0a;
      lines.writeByte(0x0a);
      const cid = dagJsonCid(line);
      for (const block of draft.blocks) {
        if (!log.knownBlocks.add(block.cid.code, block.cid.digest)) continue;
        const cidLength = block.cid.byteLength;
        packs ??= new ByteBatch(sizeHint);
        packs.writeVarint(cidLength + block.bytes.length);
        packs.ensure(cidLength);
        packs.pos += block.cid.copyBytesTo(packs.buf, packs.pos);
        packs.writeBytes(block.bytes);
      }
      log.merkle.addLeafHash(leaf);
      records.push({ cid, log: log.id, seq: log.size, line });
      log.size++;
      log.head = cid;
      count++;
    }
    if (count === 0) return { records, job: null };
    const job: WriteJob = {
      generation: log.generation,
      state: 'queued',
      pack: packs !== null && packs.pos > 0 ? packs.view(0) : null,
      log: lines.view(1),
      snapshot: { size: log.size, root: log.merkle.root(), last: log.head },
    };
    return { records, job };
  }

  /**
   * Appends records. Encoding and chaining happen now, in call order; the returned `durable` promise
   * settles once the blocks (first) and then the lines are written and, with durability 'batch', fsynced.
   */
  append(drafts: Iterable<RecordDraft | PreEncodedDraft>): AppendResult {
    const { records, job } = this.encode(drafts);
    if (job === null) return { records, durable: Promise.resolve() };
    this.unwritten.push(job);
    const durable = this.queue.then(() => this.writeJob(job));
    this.queue = durable.catch(() => {});
    return { records, durable };
  }

  /** Synchronous append, used by recovery at open (nothing else is queued then). */
  appendSync(drafts: RecordDraft[]): AppendedRecord[] {
    const { records, job } = this.encode(drafts);
    for (const r of records) if (r instanceof Error) throw r;
    if (job) this.writeJobSync(job);
    return records as AppendedRecord[];
  }

  /**
   * Writes and fdatasyncs one job now. Used by appendSync and by closeSync, which may run while the
   * job's async write is in flight: the positional writes make that harmless (same bytes, same offsets).
   */
  private writeJobSync(job: WriteJob): void {
    const log = this.current;
    if (job.generation !== log.generation) {
      throw new Error('an earlier write to this log failed; these records were chained to lost records and were not written');
    }
    try {
      if (job.pack) {
        writeAllSync(log.packFd, job.pack, log.durablePackBytes);
        fs.fdatasyncSync(log.packFd);
      }
      writeAllSync(log.logFd, job.log, log.durableLogBytes);
      fs.fdatasyncSync(log.logFd);
    } catch (err) {
      // Same as an async write failure: the chain already advanced past these records, so cut any
      // partial tail and make the next append start a new log instead of chaining to lost records.
      this.failCurrentLog(err as Error);
      throw err;
    }
    job.state = 'taken';
    this.markWritten(job);
  }

  private markWritten(job: WriteJob): void {
    const log = this.current;
    log.durable = job.snapshot;
    log.durableLogBytes += job.log.length;
    log.durablePackBytes += job.pack?.length ?? 0;
    const i = this.unwritten.indexOf(job);
    if (i >= 0) this.unwritten.splice(i, 1);
  }

  private async writeJob(job: WriteJob): Promise<void> {
    // closeSync() already wrote it (or failed to, and reported that there).
    if (job.state === 'taken') return;
    const log = this.current;
    if (job.generation !== log.generation) {
      this.unwritten.splice(this.unwritten.indexOf(job), 1);
      throw new Error('an earlier write to this log failed; these records were chained to lost records and were not written');
    }
    job.state = 'writing';
    const sync = this.options.durability === 'batch';
    // Fixed now: a takeover by closeSync() advances the durable offsets meanwhile.
    const packAt = log.durablePackBytes;
    const logAt = log.durableLogBytes;
    const takenOver = () => (job.state as WriteJob['state']) === 'taken';
    try {
      if (job.pack) {
        await writeAll(log.packFd, job.pack, packAt);
        // Blocks must be durable before the records that link them.
        if (sync && !takenOver()) await datasync(log.packFd);
      }
      // After a takeover, issue no further write: closeSync() wrote (and fsynced) the same bytes.
      if (!takenOver()) await writeAll(log.logFd, job.log, logAt);
      if (sync && !takenOver()) await datasync(log.logFd);
      else log.dirty = true;
    } catch (err) {
      if ((job.state as WriteJob['state']) === 'taken') return;
      this.unwritten.splice(this.unwritten.indexOf(job), 1);
      this.failCurrentLog(err as Error);
      throw err;
    }
    if ((job.state as WriteJob['state']) === 'taken') return;
    job.state = 'done';
    this.markWritten(job);
    const every = this.options.checkpointEvery;
    if (every > 0 && log.durable.size - Math.max(0, log.checkpointedSize) >= every) this.checkpointCurrent();
  }

  /**
   * A write failed part-way: cut the files back to the last complete append, close this log with a
   * checkpoint, and make the next append start a new log. Appends already encoded against this log fail.
   */
  private failCurrentLog(err: Error): void {
    const log = this.current;
    log.generation = -1;
    this.needRotate = true;
    this.options.onWarning(`write to log ${log.id} failed (${err.message}); the next append starts a new log`);
    try {
      // Cut only the partial tail of the failed append: every acknowledged record stays.
      if (fs.fstatSync(log.logFd).size > log.durableLogBytes) fs.ftruncateSync(log.logFd, log.durableLogBytes);
      if (fs.fstatSync(log.packFd).size > log.durablePackBytes) fs.ftruncateSync(log.packFd, log.durablePackBytes);
    } catch {
      // Leave the files as they are and keep the lock: the next process's recovery cuts and records the torn tail.
      log.keepLock = true;
    }
  }

  private rotate(): void {
    this.needRotate = false;
    this.closeLog(this.current);
    this.current = this.openNewLog();
  }

  private closeLog(log: OpenLog, { closeFiles = true }: { closeFiles?: boolean } = {}): void {
    if (log.closed) return;
    log.closed = true;
    try {
      fs.fsyncSync(log.packFd);
      fs.fsyncSync(log.logFd);
    } catch {
      /* best effort: durable snapshot below only covers what was acknowledged */
    }
    try {
      if (log.checkpointedSize !== log.durable.size) this.writeSignedCheckpoint(log.id, log.durable.size, log.durable.root, log.durable.last);
      log.checkpointedSize = log.durable.size;
    } catch (err) {
      log.keepLock = true;
      this.options.onWarning(`final checkpoint of log ${log.id} failed: ${(err as Error).message}; its lock stays so the next open recovers it`);
    }
    if (closeFiles) {
      fs.closeSync(log.logFd);
      fs.closeSync(log.packFd);
    }
    if (log.keepLock) return;
    try {
      fs.unlinkSync(path.join(this.dir, storePaths.lock(log.id)));
      fsyncDir(path.join(this.dir, storePaths.logsDir));
    } catch {
      /* already gone */
    }
  }

  writeSignedCheckpoint(logId: string, size: number, root: Uint8Array, last: CID | null): CheckpointFile {
    const cp = signStatement(buildStatement(logId, size, root, last, this.key), this.key);
    writeCheckpoint(this.dir, cp);
    return cp;
  }

  private checkpointCurrent(): CheckpointFile | null {
    const log = this.current;
    if (log.closed || log.checkpointedSize === log.durable.size) return null;
    try {
      if (log.dirty) {
        // Never sign what might not be on disk.
        fs.fdatasyncSync(log.packFd);
        fs.fdatasyncSync(log.logFd);
        log.dirty = false;
      }
      const cp = this.writeSignedCheckpoint(log.id, log.durable.size, log.durable.root, log.durable.last);
      log.checkpointedSize = log.durable.size;
      return cp;
    } catch (err) {
      this.options.onWarning(`checkpoint of log ${log.id} failed: ${(err as Error).message}`);
      return null;
    }
  }

  /** Waits for queued appends, fsyncs, and writes a checkpoint of the current log. */
  async checkpoint(): Promise<CheckpointFile | null> {
    await this.queue;
    return this.checkpointCurrent();
  }

  /** Waits for every queued append and fsyncs the current log and pack. */
  async flush(): Promise<void> {
    await this.queue;
    const log = this.current;
    if (log.closed) return;
    await datasync(log.packFd);
    await datasync(log.logFd);
    log.dirty = false;
  }

  private startTimers(): void {
    const { durability, fsyncIntervalMs, checkpointIntervalMs } = this.options;
    if (durability === 'interval' && fsyncIntervalMs > 0) {
      this.fsyncTimer = setInterval(() => {
        const log = this.current;
        if (!log.dirty || log.closed) return;
        this.flush().catch((err: Error) => this.options.onWarning(`interval fsync failed: ${err.message}`));
      }, fsyncIntervalMs);
      this.fsyncTimer.unref();
    }
    if (checkpointIntervalMs > 0) {
      this.checkpointTimer = setInterval(() => {
        this.checkpoint().catch((err: Error) => this.options.onWarning(`interval checkpoint failed: ${err.message}`));
      }, checkpointIntervalMs);
      this.checkpointTimer.unref();
    }
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
    // Also after an async close() began but has not closed the log yet (it then finds nothing to do).
    if (this.current.closed) return;
    this.closing ??= Promise.resolve();
    clearInterval(this.fsyncTimer);
    clearInterval(this.checkpointTimer);
    let failure: Error | undefined;
    let inFlight = false;
    for (const job of [...this.unwritten]) {
      if (job.state === 'writing') inFlight = true;
      try {
        this.writeJobSync(job);
      } catch (err) {
        failure = err as Error;
        break;
      }
    }
    this.unwritten.length = 0;
    // With an async write still in the thread pool, the descriptors stay open (the exiting process closes
    // them): closing would let a new file reuse the number while that write is still aimed at it.
    this.closeLog(this.current, { closeFiles: !inFlight });
    if (failure) throw failure;
  }

  /** Finishes queued appends, writes the final checkpoint, closes the files and removes the lock. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = (async () => {
        clearInterval(this.fsyncTimer);
        clearInterval(this.checkpointTimer);
        await this.queue;
        this.closeLog(this.current);
      })();
    }
    return this.closing;
  }
}
