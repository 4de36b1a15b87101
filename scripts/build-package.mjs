#!/usr/bin/env node
// Builds the package in the current directory twice from one source tree:
//   dist/esm  ES modules + .d.ts  (used by `import`)
//   dist/cjs  CommonJS            (used by `require`, e.g. `node --require`)
// Both are needed because instrumentations must load under either module system,
// and a package.json marker in dist/cjs tells Node that those .js files are CommonJS.
// The output is assembled in a private folder and swapped in at the end, so a test that is
// loading dist/ while someone rebuilds sees the old or the new build, not an empty folder.
//
// Like make, it does nothing when dist/ is up to date: when the build stamp it leaves in dist/ is newer
// than every input (see build-inputs.mjs). `--force` (or LLM_PROVENANCE_FORCE_BUILD=1) builds anyway.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BUILD_STAMP, staleInput } from './build-inputs.mjs';

const require = createRequire(import.meta.url);
const cwd = process.cwd();
const force = process.argv.includes('--force') || process.env.LLM_PROVENANCE_FORCE_BUILD === '1';
const stale = force ? 'forced' : staleInput(cwd);
if (stale === undefined) {
  console.log('dist is up to date');
  process.exit(0);
}
const tsc = require.resolve('typescript/bin/tsc');
// The stamp carries the time the build started: a source saved while tsc runs is newer, so it is rebuilt.
const started = new Date();
const staging = `.dist-build-${process.pid}`;
rmSync(join(cwd, staging), { recursive: true, force: true });

try {
  const common = ['-p', 'tsconfig.json', '--rootDir', 'src', '--noEmit', 'false'];
  execFileSync(process.execPath, [tsc, ...common, '--outDir', `${staging}/esm`, '--module', 'ES2022', '--moduleResolution', 'bundler', '--declaration'], {
    stdio: 'inherit',
    cwd,
  });
  execFileSync(process.execPath, [tsc, ...common, '--outDir', `${staging}/cjs`, '--module', 'commonjs', '--moduleResolution', 'node10'], {
    stdio: 'inherit',
    cwd,
  });
  mkdirSync(join(cwd, staging, 'cjs'), { recursive: true });
  writeFileSync(join(cwd, staging, 'cjs/package.json'), '{ "type": "commonjs" }\n');
  if (!existsSync(join(cwd, staging, 'esm'))) throw new Error('build produced no esm output');
  // Written last, so an interrupted build leaves no stamp and is redone.
  writeFileSync(join(cwd, staging, BUILD_STAMP), `built because ${stale}\n`);
  utimesSync(join(cwd, staging, BUILD_STAMP), started, started);
  const old = join(cwd, `.dist-old-${process.pid}`);
  if (existsSync(join(cwd, 'dist'))) renameSync(join(cwd, 'dist'), old);
  renameSync(join(cwd, staging), join(cwd, 'dist'));
  rmSync(old, { recursive: true, force: true });
} catch (err) {
  rmSync(join(cwd, staging), { recursive: true, force: true });
  throw err;
}
