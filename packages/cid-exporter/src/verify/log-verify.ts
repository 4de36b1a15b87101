/**
 * Verifies one log from its stored bytes: the streaming check (./log-stream.ts) for a log whose chain
 * holds, the precise one (./log-forensics.ts) for a log it gave up on. Used for stores (lines of a
 * .jsonl file) and CAR exports (record blocks listed by the manifest).
 */
import { readCheckpoint } from './checkpoint-check.js';
import { sortReadings } from './checkpoint-eval.js';
import type { LogInput, LogVerifyOptions, LogVerifyResult } from './log-input.js';
import { forensicLog } from './log-forensics.js';
import { streamLog } from './log-stream.js';

export function verifyLog(input: LogInput, opts: LogVerifyOptions): LogVerifyResult {
  const readings = sortReadings(input.checkpoints.map((c) => ({ c, r: readCheckpoint(c.bytes) })));
  return streamLog(input, readings, opts) ?? forensicLog(input, readings, opts);
}
