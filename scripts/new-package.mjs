#!/usr/bin/env node
// Scaffolds packages/<folder> with the workspace's package.json/tsconfig conventions.
// Usage: node scripts/new-package.mjs <folder> "<description>"
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [folder, description = ''] = process.argv.slice(2);
if (!folder) throw new Error('usage: new-package.mjs <folder> "<description>"');
const dir = join(process.cwd(), 'packages', folder);
if (existsSync(join(dir, 'package.json'))) throw new Error(`packages/${folder} already exists`);
mkdirSync(join(dir, 'src'), { recursive: true });
mkdirSync(join(dir, 'test'), { recursive: true });
const pkg = {
  name: `@llm-provenance/${folder}`,
  version: '0.1.0',
  description,
  license: 'Apache-2.0',
  type: 'module',
  main: './dist/cjs/index.js',
  module: './dist/esm/index.js',
  types: './dist/esm/index.d.ts',
  exports: {
    '.': { types: './dist/esm/index.d.ts', import: './dist/esm/index.js', require: './dist/cjs/index.js' },
    './package.json': './package.json',
  },
  files: ['dist', '!dist/.build-stamp', 'README.md'],
  scripts: { build: 'node ../../scripts/build-package.mjs', typecheck: 'tsc -p tsconfig.json --noEmit' },
  engines: { node: '>=20.6.0' },
  dependencies: {},
};
writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { module: 'ES2022', moduleResolution: 'bundler', noEmit: true },
      include: ['src'],
    },
    null,
    2,
  ) + '\n',
);
console.log(`created packages/${folder}`);
