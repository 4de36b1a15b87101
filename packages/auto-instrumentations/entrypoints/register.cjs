// node --require @llm-provenance/auto-instrumentations/register app.cjs
// Starts tracing before the app's first require() so the instrumented SDKs are patched when they load.
'use strict';
require('../dist/cjs/index.js').registerFromEnvironment({ moduleSystem: 'commonjs' });
