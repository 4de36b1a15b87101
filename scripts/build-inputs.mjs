// What a package's dist/ is built from, for scripts/build-package.mjs to skip a build that would change
// nothing. A build is stale when any of these is newer than the stamp the last build left in dist/:
//   - the package's src/ tree, tsconfig.json and package.json;
//   - the shared tsconfig.base.json and the build scripts themselves;
//   - the installed dependencies (node_modules/.modules.yaml, rewritten by every pnpm install that changes
//     something), so a build against another OpenTelemetry line is redone;
//   - the build stamp of every workspace package it depends on, so declarations are re-checked against a
//     dependency that was rebuilt.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUILD_STAMP = '.build-stamp';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function mtimeMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** The workspace packages (by folder) that `pkgDir` depends on through `workspace:` specifiers. */
function workspaceDependencyDirs(pkgDir) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const names = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies })
    .filter(([, spec]) => String(spec).startsWith('workspace:'))
    .map(([name]) => name);
  const dirs = [];
  for (const name of names) {
    const dir = join(pkgDir, 'node_modules', ...name.split('/'));
    if (existsSync(join(dir, 'package.json'))) dirs.push(dir);
  }
  return dirs;
}

/**
 * Why `pkgDir`'s dist/ must be rebuilt (a short reason naming the newer input), or undefined when it is
 * up to date.
 */
export function staleInput(pkgDir) {
  const built = mtimeMs(join(pkgDir, 'dist', BUILD_STAMP));
  if (built === undefined) return 'dist has no build stamp';
  const inputs = [
    ...filesUnder(join(pkgDir, 'src')),
    join(pkgDir, 'tsconfig.json'),
    join(pkgDir, 'package.json'),
    join(ROOT, 'tsconfig.base.json'),
    join(ROOT, 'scripts', 'build-package.mjs'),
    join(ROOT, 'scripts', 'build-inputs.mjs'),
    join(ROOT, 'node_modules', '.modules.yaml'),
    ...workspaceDependencyDirs(pkgDir).map((dir) => join(dir, 'dist', BUILD_STAMP)),
  ];
  for (const input of inputs) {
    const changed = mtimeMs(input);
    if (changed !== undefined && changed > built) return `${input} changed`;
  }
  return undefined;
}
