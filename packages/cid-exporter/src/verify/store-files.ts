/**
 * Read-only view of a store directory's files (FORMAT.md section 1) for verify, query and export:
 * which logs exist, their lines (complete ones, plus any torn tail), and their checkpoint files.
 * Nothing here writes, locks or recovers: readers never change a store.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { storePaths } from '../record.js';

const CHECKPOINT_NAME = /^(.+)\.([0-9]{12})\.json$/;

export interface LogLines {
  log: string;
  /** Store-relative path of the log file. */
  file: string;
  /** Complete lines (without newline), in file order; line n is lines[n - 1]. */
  lines: Uint8Array[];
  /** Bytes after the last newline: a torn last line, not part of the log until recovered. */
  tornTail?: { offset: number; length: number };
  exists: boolean;
}

export interface CheckpointFileRef {
  log: string;
  /** Store-relative path. */
  file: string;
  namedSize: number;
}

/** Throws a clear error when `dir` is not a store. */
export function assertStore(dir: string): void {
  if (!existsSync(dir)) throw new Error(`store ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new Error(`store ${dir} is not a directory`);
  if (!existsSync(join(dir, storePaths.logsDir)) && !existsSync(join(dir, storePaths.checkpointsDir))) {
    throw new Error(`${dir} is not an llm-provenance store (no logs/ or checkpoints/ directory)`);
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Checkpoint files grouped by the log id in their name, sizes ascending. */
export function listCheckpoints(storeDir: string): Map<string, CheckpointFileRef[]> {
  const out = new Map<string, CheckpointFileRef[]>();
  for (const name of list(join(storeDir, storePaths.checkpointsDir))) {
    const m = CHECKPOINT_NAME.exec(name);
    if (!m) continue;
    const ref = { log: m[1]!, file: `${storePaths.checkpointsDir}/${name}`, namedSize: Number(m[2]) };
    const l = out.get(ref.log);
    if (l) l.push(ref);
    else out.set(ref.log, [ref]);
  }
  return out;
}

/** Log ids that have a log file or a checkpoint, sorted (= by start time). */
export function listLogIds(storeDir: string): string[] {
  const ids = new Set<string>();
  for (const name of list(join(storeDir, storePaths.logsDir))) {
    if (name.endsWith('.jsonl')) ids.add(name.slice(0, -'.jsonl'.length));
  }
  for (const log of listCheckpoints(storeDir).keys()) ids.add(log);
  return [...ids].sort();
}

/**
 * Reads a store file, naming it in any error (a bare EISDIR/EACCES message does not say which file).
 * ENOENT errors keep their code so callers can treat a missing file as absent.
 */
export function readStoreFile(storeDir: string, rel: string): Buffer {
  try {
    return readFileSync(join(storeDir, rel));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw err;
    throw Object.assign(new Error(`cannot read ${rel} in store ${storeDir}: ${e.message}`), { code: e.code });
  }
}

/**
 * Log ids whose writer lock (`logs/<id>.lock`) exists: active, abandoned or recovered logs. A log
 * without one was closed by its writer after its final checkpoint (FORMAT.md section 2).
 */
export function listLockedLogs(storeDir: string): Set<string> {
  const out = new Set<string>();
  for (const name of list(join(storeDir, storePaths.logsDir))) {
    if (name.endsWith('.lock')) out.add(name.slice(0, -'.lock'.length));
  }
  return out;
}

/**
 * Log ids that are closed: a log file and no lock in one listing of `logs/`. Taken before anything else
 * is read, so a closed log's final checkpoint (written before its lock was removed) is in any later
 * listing; a log that appears later (a writer creates its lock before its file) is not in the set.
 */
export function listClosedLogs(storeDir: string): Set<string> {
  const names = list(join(storeDir, storePaths.logsDir));
  const locks = new Set(names.filter((n) => n.endsWith('.lock')).map((n) => n.slice(0, -'.lock'.length)));
  const out = new Set<string>();
  for (const n of names) {
    if (!n.endsWith('.jsonl')) continue;
    const log = n.slice(0, -'.jsonl'.length);
    if (!locks.has(log)) out.add(log);
  }
  return out;
}

/** Splits a log file into complete lines and a torn tail. */
export function readLogLines(storeDir: string, log: string): LogLines {
  const file = storePaths.log(log);
  let bytes: Buffer;
  try {
    bytes = readStoreFile(storeDir, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { log, file, lines: [], exists: false };
    throw err;
  }
  const lines: Uint8Array[] = [];
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) break;
    lines.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  const out: LogLines = { log, file, lines, exists: true };
  if (start < bytes.length) out.tornTail = { offset: start, length: bytes.length - start };
  return out;
}
