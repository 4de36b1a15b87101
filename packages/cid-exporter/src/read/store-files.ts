/**
 * Read-only view of a store directory's files (FORMAT.md section 1) for verify, query and export:
 * which logs, packs, locks and checkpoint files exist.
 * Nothing here writes, locks or recovers: readers never change a store.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { storePaths } from '../record.js';

const CHECKPOINT_NAME = /^(.+)\.([0-9]{12})\.json$/;

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
    throw storeReadError(storeDir, rel, err);
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

/** Block packs of the store (`blocks/<log>.blocks`), sorted by name. */
export function listPacks(storeDir: string): Array<{ name: string; log: string; file: string }> {
  return list(join(storeDir, storePaths.blocksDir))
    .filter((n) => n.endsWith('.blocks'))
    .map((name) => ({ name, log: name.slice(0, -'.blocks'.length), file: `${storePaths.blocksDir}/${name}` }));
}

/**
 * An error reading a store file, naming it (a bare EISDIR/EACCES message does not say which file).
 * ENOENT keeps its code so callers can treat a missing file as absent.
 */
export function storeReadError(storeDir: string, rel: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  // only the file system's own errors (they carry the syscall) need the file named
  if (e.code === 'ENOENT' || e.syscall === undefined) return e;
  return Object.assign(new Error(`cannot read ${rel} in store ${storeDir}: ${e.message}`), { code: e.code });
}
