import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupTracing } from './tracing.js';
import { ollamaSuite } from './ollama-suite.js';

/**
 * The oldest and newest supported lines of ollama-js (test/compat/ollama-<minor>/, one pinned copy
 * each), run through the same behaviour suite as the package's own devDependency.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tracing = setupTracing();

for (const line of ['ollama-0.5', 'ollama-0.6']) {
  const requireCompat = createRequire(path.join(repoRoot, 'test/compat', line, 'package.json'));
  const version = requireCompat('ollama/package.json').version as string;
  ollamaSuite(`${version} (test/compat/${line})`, () => requireCompat('ollama'), tracing);
}
