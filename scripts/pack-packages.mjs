#!/usr/bin/env node
// Packs every public workspace package (packages/*, not "private") into one folder, as `pnpm publish`
// would upload them: `pnpm pack` replaces each `workspace:` specifier with the version it points to.
// Usage: node scripts/pack-packages.mjs <folder>   (after `pnpm build`)
// Prints one tarball path per line, and fails naming the package if a packed manifest still holds a
// `workspace:` specifier or its build is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The folders of the workspace packages that are published (no `"private": true`), by package name. */
export function publicPackages() {
  const packages = [];
  for (const folder of readdirSync(join(ROOT, 'packages')).sort()) {
    const manifestPath = join(ROOT, 'packages', folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (!manifest.private) packages.push({ name: manifest.name, version: manifest.version, dir: join(ROOT, 'packages', folder) });
  }
  return packages;
}

/** pnpm as this process was started with it (`pnpm run ...` sets npm_execpath), else pnpm from PATH. */
function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath) && /\.(c?js|mjs)$/.test(execPath)) return [process.execPath, execPath];
  return ['pnpm'];
}

/** Packs every public package into `destination`; returns the tarballs' paths. */
export function packPackages(destination) {
  mkdirSync(destination, { recursive: true });
  const [command, ...prefix] = pnpmCommand();
  const tarballs = [];
  for (const pkg of publicPackages()) {
    if (!existsSync(join(pkg.dir, 'dist'))) throw new Error(`${pkg.name} has no dist/: run pnpm build first`);
    const out = execFileSync(command, [...prefix, 'pack', '--pack-destination', destination, '--json'], { cwd: pkg.dir, encoding: 'utf8' });
    const { filename } = JSON.parse(out.slice(out.indexOf('{')));
    const packed = execFileSync('tar', ['-xzOf', filename, 'package/package.json'], { encoding: 'utf8' });
    if (packed.includes('workspace:')) throw new Error(`${pkg.name}: the packed package.json still has a workspace: specifier`);
    tarballs.push(filename);
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const destination = process.argv[2];
  if (!destination) {
    console.error('usage: node scripts/pack-packages.mjs <folder>');
    process.exit(2);
  }
  for (const tarball of packPackages(resolve(destination))) console.log(tarball);
}
