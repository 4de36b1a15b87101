/**
 * Store-level witnessing (FORMAT.md sections 3.6 and 6.2). A log deleted whole, with its pack and its
 * checkpoints, leaves nothing in its own files; so every writer commits to the other logs it can see:
 * when it opens a log (the log's first record, a `witness` record) and in each checkpoint it signs (the
 * logs that appeared or moved on since). Verify then names a witnessed log that is gone or shorter.
 *
 * A witness names, per other log, the checkpoint at exactly that log's record count when there is one
 * (a closed log's final checkpoint; a live log's when it happens to end at one): its size and last
 * record, which are durable and signed. Otherwise it keeps what it saw before, or names the log alone
 * (size 0). It never claims records no checkpoint signed, so a live writer cutting back a failed write
 * can never make a witness wrong.
 *
 * Cheap with many logs: one listing of `logs/` per witness; per other log at most one open, one read of
 * the end of its log file (at most {@link TAIL_BYTES}) and one read of the checkpoint named after its
 * record count. A log without a lock, or with a `.recovered` marker, no longer changes: it is read once
 * and remembered. Nothing is read per record, and neither a whole log nor the checkpoints directory is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CID, dagJsonCid } from '../cid.js';
import { decodeDagJson } from '../dag-json/decode.js';
import { LOG_ID_PATTERN, nowNs, storePaths, type CheckpointFile, type WitnessEntry } from '../record.js';
import type { RecordDraft } from './record-input.js';

/** The most of another log's file read to find its last record. */
export const TAIL_BYTES = 64 * 1024;

interface Seen {
  entry: WitnessEntry;
  /** Byte length of the log file when `entry` was taken. */
  logBytes: number;
  /** The log no longer changes (no lock, or recovered): never read again. */
  final: boolean;
}

const keyOf = (e: WitnessEntry): string => `${e.size} ${e.last ?? ''}`;

export class StoreWitness {
  private readonly seen = new Map<string, Seen>();
  /** Per log of this process: what its witness record named, log id -> entry key. */
  private readonly named = new Map<string, Map<string, string>>();

  constructor(private readonly dir: string) {}

  /**
   * The first record of a new log: a `witness` record naming every other log in the store, or null
   * when there is none (FORMAT.md section 3.6).
   */
  firstRecord(logId: string): RecordDraft | null {
    const entries = this.look(logId);
    this.named.set(logId, new Map(entries.map((e) => [e.log, keyOf(e)])));
    if (entries.length === 0) return null;
    return { fields: { logs: entries.map((e) => ({ last: e.last, log: e.log, size: e.size })), time: nowNs(), type: 'witness' }, blocks: [] };
  }

  /** What a checkpoint of `logId` witnesses: the other logs its witness record does not name as they are now. */
  atCheckpoint(logId: string): WitnessEntry[] {
    const named = this.named.get(logId);
    return this.look(logId).filter((e) => named?.get(e.log) !== keyOf(e));
  }

  /** Every other log in the store now, sorted by id. Never throws: what cannot be read is left out. */
  private look(ownLogId: string): WitnessEntry[] {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(this.dir, storePaths.logsDir));
    } catch {
      return [];
    }
    const locked = new Set<string>();
    const recovered = new Set<string>();
    const logs: string[] = [];
    for (const name of names) {
      const dot = name.lastIndexOf('.');
      const id = name.slice(0, dot);
      const ext = name.slice(dot);
      if (ext === '.lock') locked.add(id);
      else if (ext === '.recovered') recovered.add(id);
      else if (ext === '.jsonl' && id !== ownLogId && LOG_ID_PATTERN.test(id)) logs.push(id);
    }
    logs.sort();
    return logs.map((id) => {
      const final = !locked.has(id) || recovered.has(id);
      let seen = this.seen.get(id);
      if (!seen?.final) {
        seen = this.probe(id, seen, final);
        this.seen.set(id, seen);
      }
      return seen.entry;
    });
  }

  /** Reads where log `id` stands now; keeps `before` when that cannot be told better. */
  private probe(id: string, before: Seen | undefined, final: boolean): Seen {
    const keep = (logBytes: number): Seen => ({ entry: before?.entry ?? { last: null, log: id, size: 0 }, logBytes, final });
    let fd: number;
    try {
      fd = fs.openSync(path.join(this.dir, storePaths.log(id)), 'r');
    } catch {
      return keep(-1);
    }
    try {
      const bytes = fs.fstatSync(fd).size;
      // Unchanged since the last look, unless it has just closed: its final checkpoint may be new.
      if (before && before.logBytes === bytes && !final) return before;
      const from = Math.max(0, bytes - TAIL_BYTES);
      const tail = Buffer.alloc(bytes - from);
      let got = 0;
      while (got < tail.length) {
        const n = fs.readSync(fd, tail, got, tail.length - got, from + got);
        if (n === 0) break;
        got += n;
      }
      const end = tail.lastIndexOf(0x0a, got - 1);
      if (end < 0) return keep(bytes);
      const start = end === 0 ? 0 : tail.lastIndexOf(0x0a, end - 1) + 1;
      // a last line longer than the window: its start (and seq) cannot be read cheaply
      if (start === 0 && from > 0) return keep(bytes);
      const line = tail.subarray(start, end);
      const seq = (JSON.parse(line.toString('utf8')) as { seq?: unknown }).seq;
      if (!Number.isSafeInteger(seq) || (seq as number) < 0) return keep(bytes);
      const size = (seq as number) + 1;
      const last = dagJsonCid(line).toString();
      return this.signedAt(id, size, last) ? { entry: { last, log: id, size }, logBytes: bytes, final } : keep(bytes);
    } catch {
      return keep(-1);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** True when log `id` has a checkpoint at exactly `size` naming `last` (read, not verified: verify does that). */
  private signedAt(id: string, size: number, last: string): boolean {
    let cp: CheckpointFile;
    try {
      cp = decodeDagJson(fs.readFileSync(path.join(this.dir, storePaths.checkpoint(id, size))), { links: true }) as CheckpointFile;
    } catch {
      return false;
    }
    const st = cp?.statement;
    // links: true revives links as CIDs
    const named = CID.asCID(st?.last);
    return st?.log === id && st.size === size && named !== null && named.toString() === last;
  }
}
