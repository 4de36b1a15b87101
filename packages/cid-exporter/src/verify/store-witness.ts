/**
 * Store-level witnessing for a store directory (FORMAT.md sections 3.6 and 6.2): checks every claim the
 * logs' witness records and signed checkpoints make about the other logs against what is on disk now, and
 * says when a store with several logs carries no witness at all (written before witnessing).
 */
import { sha256Latin1 } from '../read/sha256.js';
import { forEachLogLine } from '../read/log-lines.js';
import { storePaths } from '../record.js';
import type { VerifyFailure, VerifyNote } from './failure.js';
import { recordCid } from './log-stream.js';
import type { WitnessClaims, WitnessedLog } from './witness-claims.js';

/** Record CIDs of `log` at `positions` (0-based), read from its file up to the last one asked for. */
function cidsAt(dir: string, log: string, positions: number[], read: { chunkSize?: number }): Map<number, string> {
  const want = new Set(positions);
  const stop = Math.max(...positions);
  const out = new Map<number, string>();
  forEachLogLine(
    dir,
    log,
    (bytes, start, end, line) => {
      if (want.has(line - 1)) out.set(line - 1, recordCid(sha256Latin1(bytes.subarray(start, end))));
      return line - 1 < stop;
    },
    read,
  );
  return out;
}

export function checkStoreWitnesses(
  dir: string,
  logIds: readonly string[],
  claims: WitnessClaims,
  logs: ReadonlyMap<string, WitnessedLog>,
  read: { chunkSize?: number },
  /** Logs already reported gone (a recovery record names them): not reported twice. */
  reportedGone: ReadonlySet<string>,
): { failures: Array<{ key: [number, number]; failure: VerifyFailure }>; note?: VerifyNote } {
  const failures = claims
    .check(
      (log) => logs.get(log),
      (log, positions) => cidsAt(dir, log, positions, read),
      (log) => ({ file: storePaths.log(log), why: 'no log file, no checkpoint' }),
    )
    .filter(({ log, gone }) => !(gone && reportedGone.has(log)))
    .map(({ log, failure }) => {
      const i = logIds.indexOf(log);
      // a missing log sorts after every log; a shortened or rewritten one after its own records
      return { key: [i < 0 ? logIds.length : i, Number.MAX_SAFE_INTEGER - 3] as [number, number], failure };
    });
  if (claims.total > claims.anchored || logIds.length < 2) return { failures };
  return {
    failures,
    note: {
      file: storePaths.logsDir,
      detail: `no log carries a witness of the other ${logIds.length - 1} log(s) (written before store witnessing, FORMAT.md section 3.6): a whole log deleted with its pack and checkpoints would not be noticed`,
    },
  };
}
