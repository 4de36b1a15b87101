/** Store options and their environment variables (LLM_PROVENANCE_*). Typed options win over env. */
import * as path from 'node:path';

export type Durability = 'batch' | 'interval' | 'none';

export interface ProvenanceStoreOptions {
  /** Store directory. Default: env LLM_PROVENANCE_DIR, else ./.llm-provenance (resolved against cwd). */
  dir?: string;
  /**
   * When an append counts as done. 'batch' (default): each append's blocks and records are written and
   * fdatasync'ed before its promise resolves. 'interval': written, fsynced every `fsyncIntervalMs`.
   * 'none': fsynced only at flush/close. Env LLM_PROVENANCE_DURABILITY.
   */
  durability?: Durability;
  /** For durability 'interval'. Default 1000. Env LLM_PROVENANCE_FSYNC_INTERVAL_MS. */
  fsyncIntervalMs?: number;
  /** Checkpoint after this many new records; 0 disables. Default 1000. Env LLM_PROVENANCE_CHECKPOINT_EVERY. */
  checkpointEvery?: number;
  /** Checkpoint this often (ms) when records were added; 0 disables. Default 60000. Env LLM_PROVENANCE_CHECKPOINT_INTERVAL_MS. */
  checkpointIntervalMs?: number;
  /**
   * After a storage fault (ENOSPC, EIO, EROFS, a failed fsync, the store directory deleted) the failed log
   * is closed for good and appends fail until a new log opens; a new log is tried at the first append after
   * this back-off, doubling per failed try up to 30 s. Default 100. Env LLM_PROVENANCE_REOPEN_BACKOFF_MS.
   */
  reopenBackoffMs?: number;
  /** Recover abandoned logs (torn tails, final checkpoint) on open. Default true. */
  recover?: boolean;
  /** Receives warnings (damaged logs found, failed checkpoint). Default: none. */
  onWarning?: (message: string) => void;
  /** Called after each checkpoint is written (log id and size), e.g. to publish the store. Default: none. */
  onCheckpoint?: (logId: string, size: number) => void;
}

export interface ResolvedStoreOptions {
  dir: string;
  durability: Durability;
  fsyncIntervalMs: number;
  checkpointEvery: number;
  checkpointIntervalMs: number;
  reopenBackoffMs: number;
  recover: boolean;
  onWarning: (message: string) => void;
  onCheckpoint?: (logId: string, size: number) => void;
}

function envInt(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

function checkInt(name: string, v: number | undefined): number | undefined {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new Error(`option ${name} must be a non-negative integer, got ${v}`);
  return v;
}

export function resolveStoreOptions(options: ProvenanceStoreOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedStoreOptions {
  const durability = options.durability ?? (env['LLM_PROVENANCE_DURABILITY'] as Durability | undefined) ?? 'batch';
  if (durability !== 'batch' && durability !== 'interval' && durability !== 'none') {
    throw new Error(`durability must be 'batch', 'interval' or 'none', got ${JSON.stringify(durability)}`);
  }
  return {
    dir: path.resolve(options.dir ?? env['LLM_PROVENANCE_DIR'] ?? '.llm-provenance'),
    durability,
    fsyncIntervalMs: checkInt('fsyncIntervalMs', options.fsyncIntervalMs) ?? envInt('LLM_PROVENANCE_FSYNC_INTERVAL_MS', env) ?? 1000,
    checkpointEvery: checkInt('checkpointEvery', options.checkpointEvery) ?? envInt('LLM_PROVENANCE_CHECKPOINT_EVERY', env) ?? 1000,
    checkpointIntervalMs: checkInt('checkpointIntervalMs', options.checkpointIntervalMs) ?? envInt('LLM_PROVENANCE_CHECKPOINT_INTERVAL_MS', env) ?? 60_000,
    reopenBackoffMs: checkInt('reopenBackoffMs', options.reopenBackoffMs) ?? envInt('LLM_PROVENANCE_REOPEN_BACKOFF_MS', env) ?? 100,
    recover: options.recover ?? true,
    onWarning: options.onWarning ?? (() => {}),
    onCheckpoint: options.onCheckpoint,
  };
}
