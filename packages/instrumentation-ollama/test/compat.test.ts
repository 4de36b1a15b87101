import { createRequire } from 'node:module';
import { compatPackage } from '@llm-provenance/test-support';
import { setupTracing } from './tracing.js';
import { ollamaSuite } from './ollama-suite.js';

/**
 * The oldest and newest supported lines of ollama-js (test/compat/ollama-<minor>/, one pinned copy
 * each), run through the same behaviour suite as the package's own devDependency.
 */
const tracing = setupTracing();

for (const line of ['ollama-0.5', 'ollama-0.6']) {
  const requireCompat = createRequire(compatPackage(line));
  const version = requireCompat('ollama/package.json').version as string;
  ollamaSuite(`${version} (test/compat/${line})`, () => requireCompat('ollama'), tracing);
}
