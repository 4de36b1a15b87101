// node --import @llm-provenance/auto-instrumentations/register app.mjs
// Registers the import-in-the-middle loader hook and starts tracing before the app's first import,
// then waits until the hook thread has acknowledged every module it must patch.
import { registerFromEnvironment } from '../dist/esm/index.js';

await registerFromEnvironment({ moduleSystem: 'module' })?.ready;
