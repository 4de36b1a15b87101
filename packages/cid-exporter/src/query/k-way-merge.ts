/**
 * The k-way merge under report, consistency and query over many logs (./read-records.ts
 * forEachMergedRecord over the logs, ./store-index/merged-rows.ts over index rows): one head per
 * stream, each holding that stream's current item, kept in a binary heap ordered by `before`. Memory is
 * one item per stream, whatever the streams' lengths.
 */

/**
 * Visits the heads' items in merged order: the head whose item comes first by `before` is visited, then
 * `advance` moves it to its stream's next item (false: the stream is done). `visit` returns false to
 * stop. `heads` holds only heads that have an item; the array is reordered and emptied.
 */
export function mergeHeads<H>(heads: H[], before: (x: H, y: H) => boolean, visit: (head: H) => boolean, advance: (head: H) => boolean): void {
  for (let i = (heads.length >> 1) - 1; i >= 0; i--) siftDown(heads, i, before);
  while (heads.length > 0) {
    const top = heads[0]!;
    if (!visit(top)) return;
    if (advance(top)) siftDown(heads, 0, before);
    else {
      const last = heads.pop()!;
      if (heads.length > 0) {
        heads[0] = last;
        siftDown(heads, 0, before);
      }
    }
  }
}

function siftDown<H>(heap: H[], i: number, before: (x: H, y: H) => boolean): void {
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) return;
    const r = l + 1;
    const m = r < n && before(heap[r]!, heap[l]!) ? r : l;
    if (!before(heap[m]!, heap[i]!)) return;
    [heap[m], heap[i]] = [heap[i]!, heap[m]!];
    i = m;
  }
}
