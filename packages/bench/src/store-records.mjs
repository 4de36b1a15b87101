// Reads a provenance store's records back by type, to count what a run stored (and, once the processor
// records drops as events, what it dropped): store format version 1, one DAG-JSON record per line of
// logs/<logId>.jsonl (packages/cid-exporter/FORMAT.md, section 3). DAG-JSON is JSON, so JSON.parse reads it.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `{ span: n, <other type>: n, ... }` over every log of the store at `dir`. */
export function countStoreRecords(dir) {
  const byType = {};
  const logs = path.join(dir, 'logs');
  for (const name of fs.readdirSync(logs)) {
    if (!name.endsWith('.jsonl')) continue;
    const text = fs.readFileSync(path.join(logs, name), 'utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const type = JSON.parse(line).type;
      byType[type] = (byType[type] ?? 0) + 1;
    }
  }
  return byType;
}
