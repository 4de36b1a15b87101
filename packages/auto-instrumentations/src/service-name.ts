import { readFileSync } from 'node:fs';
import path from 'node:path';

export const UNKNOWN_SERVICE_NAME = 'unknown_service:node';

/**
 * `name` from the nearest package.json at or above the directory of `mainScript` (the app's main script,
 * process.argv[1]); undefined when there is no script (REPL, `node -e`) or no named package.
 */
export function appPackageName(mainScript: string | undefined): string | undefined {
  if (!mainScript) return undefined;
  let dir = path.dirname(path.resolve(mainScript));
  for (;;) {
    const name = readPackageName(path.join(dir, 'package.json'));
    if (name !== null) return name;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The package's name; undefined for a package.json without one; null when there is no readable package.json. */
function readPackageName(file: string): string | undefined | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const { name } = JSON.parse(text) as { name?: unknown };
    return typeof name === 'string' && name.length > 0 ? name : undefined;
  } catch {
    return undefined;
  }
}
