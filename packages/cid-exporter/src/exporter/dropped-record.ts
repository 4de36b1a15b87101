/**
 * The `dropped` record (FORMAT.md 3.4): how many spans the span processor had to drop (its queue was
 * full) since the previous `dropped` record of the log. Written with the next batch that is stored, so a
 * gap in the record of what ran is never silent.
 */
import { nowNs } from '../record.js';
import type { RecordDraft } from '../store/record-input.js';

export const DROPPED_REASON_QUEUE_FULL = 'queue full';

export function droppedRecord(count: number, reason = DROPPED_REASON_QUEUE_FULL): RecordDraft {
  return { fields: { count, reason, time: nowNs(), type: 'dropped' }, blocks: [] };
}
