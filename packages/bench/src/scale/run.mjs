// Scale section: a store of BENCH_SCALE_RECORDS GenAI records (default one million; generate.mjs) in the
// run's scratch folder, then verify, query, report (grouped, and filtered) and consistency over it, each
// in its own process pinned to one CPU: from the logs, then from the store's index (built by
// `report --index`, itself measured). Wall time, CPU time and peak RSS per operation; the index's answers
// must equal the logs' (same digest) or the run fails. The store is removed at the end.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { resultOf, runNode } from '../child.mjs';
import { intFromEnv } from '../env.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function storeBytes(dir) {
  const out = {};
  for (const sub of ['logs', 'blocks', 'checkpoints', 'index']) {
    const folder = path.join(dir, sub);
    out[sub] = fs.existsSync(folder) ? fs.readdirSync(folder).reduce((n, f) => n + fs.statSync(path.join(folder, f)).size, 0) : 0;
  }
  return out;
}

/** The SQLite the index runs on in this Node (as packages/cid-exporter/src/query/store-index/sql-engine.ts picks it). */
function indexEngine() {
  if (typeof process.getBuiltinModule?.('node:sqlite')?.StatementSync?.prototype.iterate === 'function') return 'node:sqlite';
  try {
    createRequire(import.meta.url).resolve('better-sqlite3');
    return 'better-sqlite3';
  } catch {
    return null;
  }
}

export async function runScale({ scratch, env, log }) {
  const records = intFromEnv('BENCH_SCALE_RECORDS', 1_000_000);
  const dir = path.join(scratch, 'scale-store');
  const runEnv = { ...env, BENCH_SCALE_RECORDS: String(records) };
  try {
    log(`scale: writing a store of ${records.toLocaleString('en-US')} GenAI records`);
    const generated = resultOf('scale generate', await runNode([path.join(here, 'generate.mjs'), dir], { env: runEnv, timeoutMs: 60 * 60_000 }));
    const bytes = storeBytes(dir);
    const run = async (operation, mode) => {
      log(`scale: ${operation} (${mode === 'off' ? 'logs' : 'index'})`);
      return resultOf(
        `scale ${operation}`,
        await runNode([path.join(here, 'operation.mjs'), operation, mode, dir], { env: runEnv, pin: true, timeoutMs: 60 * 60_000 }),
      );
    };
    const operations = ['query', 'report', 'report-filtered', 'consistency'];
    const logs = { verify: await run('verify', 'off') };
    for (const op of operations) logs[op] = await run(op, 'off');
    let indexed = null;
    let build = null;
    try {
      build = await run('index-build', 'refresh');
    } catch (error) {
      log(`scale: no index (${String(error.message).split('\n').slice(0, 3).join(' ')})`);
    }
    if (build && fs.existsSync(path.join(dir, 'index', 'spans.sqlite'))) {
      indexed = {};
      for (const op of operations) {
        indexed[op] = await run(op, 'auto');
        if (indexed[op].answer !== logs[op].answer) throw new Error(`scale: ${op} from the index differs from ${op} from the logs`);
      }
    }
    return { records, generated, bytes, indexBytes: storeBytes(dir).index, logs, build, indexed, engine: indexEngine(), node: process.version };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
