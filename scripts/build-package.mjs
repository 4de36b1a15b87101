#!/usr/bin/env node
// Builds the package in the current directory twice from one source tree:
//   dist/esm  ES modules + .d.ts  (used by `import`)
//   dist/cjs  CommonJS            (used by `require`, e.g. `node --require`)
// Both are needed because instrumentations must load under either module system,
// and a package.json marker in dist/cjs tells Node that those .js files are CommonJS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const cwd = process.cwd();
rmSync(join(cwd, 'dist'), { recursive: true, force: true });

const common = ['-p', 'tsconfig.json', '--rootDir', 'src', '--noEmit', 'false'];
execFileSync(process.execPath, [tsc, ...common, '--outDir', 'dist/esm', '--module', 'ES2022', '--moduleResolution', 'bundler', '--declaration'], { stdio: 'inherit', cwd });
execFileSync(process.execPath, [tsc, ...common, '--outDir', 'dist/cjs', '--module', 'commonjs', '--moduleResolution', 'node10'], { stdio: 'inherit', cwd });
mkdirSync(join(cwd, 'dist/cjs'), { recursive: true });
writeFileSync(join(cwd, 'dist/cjs/package.json'), '{ "type": "commonjs" }\n');
if (!existsSync(join(cwd, 'dist/esm'))) throw new Error('build produced no dist/esm');
