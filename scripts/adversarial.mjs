// `pnpm test:adversarial`: runs test/adversarial/ with the large counts (LLM_PROVENANCE_ADVERSARIAL=full:
// 66 kill -9 runs, 40 storage faults, thousands of fuzzed inputs), has every family write its summary to
// .adversarial/ (git-ignored), merges them into .adversarial/summary.json and prints RELIABILITY.md's table.
// Extra arguments go to vitest, e.g. `pnpm test:adversarial kill9`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.adversarial');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const vitest = spawnSync('pnpm', ['exec', 'vitest', 'run', 'test/adversarial', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { LLM_PROVENANCE_ADVERSARIAL: 'full', ...process.env, LLM_PROVENANCE_ADVERSARIAL_SUMMARY: out },
});

const families = fs
  .readdirSync(out)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')));
const summary = { date: new Date().toISOString(), node: process.version, passed: vitest.status === 0, families };
fs.writeFileSync(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
spawnSync(process.execPath, [path.join(root, 'scripts', 'adversarial-table.mjs'), path.join(out, 'summary.json')], { stdio: 'inherit' });
process.exit(vitest.status ?? 1);
