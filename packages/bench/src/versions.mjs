// Installed versions of the packages the report names (read from their package.json).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const benchRequire = createRequire(import.meta.url);

/**
 * The version of `name` as this package resolves it, or as package `from` resolves it (e.g. the
 * @opentelemetry/instrumentation a peer was built on); 'not installed' when it does not resolve.
 */
export function installedVersion(name, from) {
  const require = from ? createRequire(benchRequire.resolve(from)) : benchRequire;
  let entry;
  try {
    entry = require.resolve(name);
  } catch {
    try {
      return require(`${name}/package.json`).version;
    } catch {
      return 'not installed';
    }
  }
  // Walk up from the entry point to the package's own package.json (many packages do not export it).
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (pkg.name === name) return pkg.version;
  }
  return 'unknown';
}
