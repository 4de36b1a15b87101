// The store's own benchmarks, run as they are and reported verbatim: cid-exporter's bench/bench.mjs
// (exporter throughput against the sha2-256 bound and naive @ipld/dag-json) and, where it exists,
// bench/read-bench.mjs (verify and CAR export throughput). Their output format is theirs; only their exit
// status is interpreted (non-zero fails the run).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '../child.mjs';

const CID_EXPORTER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../cid-exporter');
export const STORE_BENCHES = ['bench/bench.mjs', 'bench/read-bench.mjs'];

export async function runStoreBenches({ env, log }) {
  const out = [];
  for (const script of STORE_BENCHES) {
    if (!fs.existsSync(path.join(CID_EXPORTER, script))) {
      out.push({ script, missing: true });
      log(`store bench ${script}: not present, skipped`);
      continue;
    }
    log(`store bench ${script}: running`);
    const run = await runNode([script], { cwd: CID_EXPORTER, env });
    const output = [run.stdout.trimEnd(), run.stderr.trimEnd()].filter(Boolean).join('\n');
    if (run.code !== 0) throw new Error(`packages/cid-exporter/${script} failed (exit ${run.code ?? run.signal}):\n${output}`);
    out.push({ script, output, wallSeconds: run.wallMs / 1000 });
  }
  return out;
}
