/**
 * The span rows of one or more store indexes, every log merged exactly as ../read-records.ts
 * forEachMergedRecord merges the logs themselves (span start, then trace id, then log order), so an
 * answer from the index equals the answer from the logs, sums in the same order included.
 */
import type { ProvenanceSource } from '../../read/source.js';
import { mergeHeads } from '../k-way-merge.js';
import { compareNanos } from '../read-records.js';
import type { SpanRow, StoreIndex } from './store-index.js';

interface Head {
  row: SpanRow;
  rows: Iterator<SpanRow>;
  order: number;
  source: ProvenanceSource;
  index: StoreIndex;
}

function before(x: Head, y: Head): boolean {
  const t = compareNanos(x.row.start, y.row.start);
  if (t !== 0) return t < 0;
  if (x.row.trace_id !== y.row.trace_id) return x.row.trace_id < y.row.trace_id;
  return x.order < y.order;
}

/** Visits every span row of every log of `indexes` (one per source, in order) in merged order; `numbers` as for rowsOf. */
export function forEachMergedRow(
  indexes: ReadonlyArray<{ source: ProvenanceSource; index: StoreIndex }>,
  visit: (row: SpanRow, source: ProvenanceSource, index: StoreIndex) => void,
  numbers?: readonly string[],
): void {
  const heap: Head[] = [];
  let order = 0;
  for (const { source, index } of indexes) {
    for (const log of index.logs) {
      const rows = index.rowsOf(log, numbers);
      const first = rows.next();
      if (!first.done) heap.push({ row: first.value, rows, order: order++, source, index });
      else order++;
    }
  }
  mergeHeads(
    heap,
    before,
    (top) => {
      visit(top.row, top.source, top.index);
      return true;
    },
    (top) => {
      const next = top.rows.next();
      if (next.done) return false;
      top.row = next.value;
      return true;
    },
  );
}
