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
 * module). vitest loads bare imports natively as ESM, which require-in-the-middle cannot see. The caller
 * states the SDK's type (tests drive several majors of an SDK through one helper, so no one type fits).
 */
export function loadSdk(from: string, moduleName: string, exportName: string): unknown {
  const mod = createRequire(from)(moduleName) as Record<string, unknown>;
  return mod[exportName] ?? mod.default ?? mod;
}

/** The `name` and `version` fields of the package.json in `dir`, if there is one. */
function packageJson(dir: string): { name?: unknown; version?: unknown } | undefined {
  const file = path.join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown }) : undefined;
}

/** The installed version of `name` as `req` resolves it (some SDKs do not export their package.json). */
export function installedVersion(req: NodeRequire, name: string): string {
  let dir = path.dirname(req.resolve(name));
  let pkg = packageJson(dir);
  while (pkg?.name !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json for ${name}`);
    dir = parent;
    pkg = packageJson(dir);
  }
  if (typeof pkg.version !== 'string') throw new Error(`${path.join(dir, 'package.json')} has no version`);
  return pkg.version;
}
