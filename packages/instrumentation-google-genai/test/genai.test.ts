import { createRequire } from 'node:module';
import { installedVersion, setupTracing } from './tracing.js';
import { googleGenAISuite } from './genai-suite.js';

// Enabled before the SDK loads, as `--require` / `--import` would do.
const tracing = setupTracing();
const require = createRequire(import.meta.url);

googleGenAISuite(`${installedVersion(require, '@google/genai')} (package devDependency)`, () => require('@google/genai'), tracing);
