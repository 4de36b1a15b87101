#!/usr/bin/env node
'use strict';
// Thin shim: the CLI lives in the CommonJS build so it starts without ESM loader overhead.
const { main } = require('../dist/cjs/cli/main.js');
const { version } = require('../package.json');

// `llm-provenance query ... | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2), undefined, { version }).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`llm-provenance: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  },
);
