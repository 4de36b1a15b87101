import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file is only ever run from source by vitest (no build step), so `import.meta` is fine here.
/** The workspace root (this file is packages/test-support/src/repo.ts). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The running Node major, for skipping SDK majors whose engines need a newer Node. */
export const nodeMajor = Number(process.versions.node.split('.')[0]);

/** The package.json of a pinned SDK copy in test/compat/<folder>, to `createRequire` from. */
export function compatPackage(folder: string): string {
  return path.join(repoRoot, 'test/compat', folder, 'package.json');
}

/**
 * Loads `moduleName` through `require` resolved from `from` (a package.json path), i.e. through the
 * require hook that patches it, and returns its `exportName` export (else the default export, else the
 * module). vitest loads bare imports natively as ESM, which require-in-the-middle cannot see.
 */
export function loadSdk(from: string, moduleName: string, exportName: string): any {
  const mod = createRequire(from)(moduleName);
  return mod[exportName] ?? mod.default ?? mod;
}

/** The installed version of `name` as `req` resolves it (some SDKs do not export their package.json). */
export function installedVersion(req: NodeRequire, name: string): string {
  let dir = path.dirname(req.resolve(name));
  while (!existsSync(path.join(dir, 'package.json')) || JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json for ${name}`);
    dir = parent;
  }
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}
