// One reader operation over the scale section's store, in its own process (so its peak RSS is its own):
//   node operation.mjs <operation> <index mode> <storeDir>
// operation: verify | query | report | report-filtered | consistency | index-build
// index mode: off (read the logs) | auto (the store's index, which must exist and be fresh)
// index-build: removes the index and runs `report --index` (build, then one report from it).
// Prints `BENCH_RESULT {"operation","mode","wallMs","cpuSeconds","maxRssKiB","answer"}`; answer is a
// digest of what the operation returned, so the run can check the index and the logs answer alike.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConsistency, buildReport, queryStore, verifyStore } from '@llm-provenance/cid-exporter';

const [operation, mode, dir] = process.argv.slice(2);
const index = mode === 'auto' ? 'auto' : 'off';
let notes = 0;
const read = { index, note: () => notes++ };

const operations = {
  verify: () => {
    const r = verifyStore(dir);
    if (r.ok !== true) throw new Error(`verifyStore rejected the store: ${JSON.stringify(r.failures?.slice(0, 3))}`);
    return { records: r.logs.reduce((n, l) => n + l.records, 0) };
  },
  query: () => queryStore(dir, { user: 'user-7', model: 'gpt-4.1', limit: 20 }, { payloads: true, ...read }).map((r) => [r.cid, r.payloads]),
  report: () => buildReport(dir, { by: ['provider', 'model'], ...read }),
  'report-filtered': () => buildReport(dir, { by: ['user', 'day'], provider: 'anthropic', since: '2026-11-02T02:00:00Z', ...read }),
  consistency: () => buildConsistency(dir, read),
  'index-build': () => {
    fs.rmSync(path.join(dir, 'index'), { recursive: true, force: true });
    return buildReport(dir, { by: ['provider', 'model'], index: 'refresh' });
  },
};
if (!operations[operation]) throw new Error(`unknown operation ${operation}`);
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const answer = operations[operation]();
const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(cpu0);
if (mode === 'auto' && notes > 0) throw new Error(`${operation}: the index was stale`);
console.log(
  `BENCH_RESULT ${JSON.stringify({
    operation,
    mode,
    wallMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssKiB: process.resourceUsage().maxRSS,
    answer: createHash('sha256').update(JSON.stringify(answer)).digest('hex').slice(0, 16),
  })}`,
);
