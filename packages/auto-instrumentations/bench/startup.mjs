// Start-up cost of the register entry: wall time of `node -e 0` alone and under --require / --import
// (store on, in a temp dir; no OTLP), median of RUNS runs each. Usage: node bench/startup.mjs [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.argv[2] ?? 15);
const here = path.dirname(fileURLToPath(import.meta.url));
const store = mkdtempSync(path.join(tmpdir(), 'bench-startup-'));
const env = { PATH: process.env.PATH, LLM_PROVENANCE_DIR: store };
const cases = [
  ['node -e 0', []],
  ['--require register', ['--require', '@llm-provenance/auto-instrumentations/register']],
  ['--import register', ['--import', '@llm-provenance/auto-instrumentations/register']],
  [
    '--import register, store off',
    ['--import', '@llm-provenance/auto-instrumentations/register'],
    { LLM_PROVENANCE_STORE: 'off', OTEL_TRACES_EXPORTER: 'console' },
  ],
];

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
for (const [name, flags, extraEnv] of cases) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [...flags, '-e', '0'], { cwd: here, env: { ...env, ...extraEnv }, encoding: 'utf8' });
    if (result.status !== 0 || result.stderr) throw new Error(`${name} failed: ${result.stderr}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  results.push({ name, median: median(times) });
}
rmSync(store, { recursive: true, force: true });
const base = results[0].median;
console.log(`node ${process.version}, ${RUNS} runs each, median wall time`);
for (const { name, median: ms } of results) {
  console.log(`  ${name.padEnd(30)} ${ms.toFixed(1).padStart(7)} ms${name === cases[0][0] ? '' : `   (+${(ms - base).toFixed(1)} ms)`}`);
}
