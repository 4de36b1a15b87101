/**
 * Pre-encoded records: a builder that knows its record shape writes the canonical DAG-JSON text itself
 * and leaves holes for the four keys the store assigns (`log`, `prev`, `seq`, `v`). Keys sort as
 * ... `log` ... `prev` ... `seq` ... `v` in every record type we write, so the text splits into four
 * parts around them. The result is exactly what the generic encoder makes of the same record with those
 * keys filled in (FORMAT.md section 8; checked by test/record-text.test.ts against @ipld/dag-json).
 */
import type { CID } from '../cid.js';
import { quoteString } from '../dag-json/encode.js';
import type { BlockInput } from './store.js';

export interface RecordTextParts {
  /** From `{` up to and including the `,` before `"log":`. */
  beforeLog: string;
  /** After the log value's `,` up to and including the `,` before `"prev":`. */
  beforePrev: string;
  /** After the prev value's `,` up to and including the `,` before `"seq":`. */
  beforeSeq: string;
  /** After the seq value's `,` up to and including the final `}`, with `"v":1` written. */
  afterSeq: string;
}

/** A record given to the store as pre-encoded text plus the blocks it links. */
export interface PreEncodedDraft {
  text: RecordTextParts;
  blocks: BlockInput[];
}

/** The record line with the store's keys filled in. */
export function renderRecordText(parts: RecordTextParts, log: string, prev: CID | null, seq: number): string {
  return (
    parts.beforeLog +
    '"log":' +
    quoteString(log) +
    ',' +
    parts.beforePrev +
    '"prev":' +
    (prev === null ? 'null' : '{"/":"' + prev.toString() + '"}') +
    ',' +
    parts.beforeSeq +
    '"seq":' +
    seq +
    ',' +
    parts.afterSeq
  );
}
