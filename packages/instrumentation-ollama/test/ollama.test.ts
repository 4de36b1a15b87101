import { createRequire } from 'node:module';
import { setupTracing } from './tracing.js';
import { ollamaSuite } from './ollama-suite.js';

// The instrumentation is enabled before the SDK is required, as `--require`/`--import` would do.
const tracing = setupTracing();
const require = createRequire(import.meta.url);

ollamaSuite(`${require('ollama/package.json').version} (package devDependency)`, () => require('ollama'), tracing);
