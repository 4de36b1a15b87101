#!/usr/bin/env node
// Builds the package in the current directory twice from one source tree:
//   dist/esm  ES modules + .d.ts  (used by `import`)
//   dist/cjs  CommonJS            (used by `require`, e.g. `node --require`)
// Both are needed because instrumentations must load under either module system,
// and a package.json marker in dist/cjs tells Node that those .js files are CommonJS.
// The output is assembled in a private folder and swapped in at the end, so a test that is
// loading dist/ while someone rebuilds sees the old or the new build, not an empty folder.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const cwd = process.cwd();
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
  const old = join(cwd, `.dist-old-${process.pid}`);
  if (existsSync(join(cwd, 'dist'))) renameSync(join(cwd, 'dist'), old);
  renameSync(join(cwd, staging), join(cwd, 'dist'));
  rmSync(old, { recursive: true, force: true });
} catch (err) {
  rmSync(join(cwd, staging), { recursive: true, force: true });
  throw err;
}
