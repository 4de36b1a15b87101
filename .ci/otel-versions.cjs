// Usage: node .ci/otel-versions.cjs <2|3>
//
// Prints the OpenTelemetry packages this installed tree loads, resolved the way Node resolves them (from the
// register package, from the SDK inside it, from the tests' tracing setup), and every version of them in
// node_modules/.pnpm; exits 1 unless they belong to the OpenTelemetry JS line given (SDK major 2 or 3) and the
// register's @opentelemetry/api is the newest minor, 1.10 (see pnpm-workspace.yaml).
'use strict';
const { readdirSync, readFileSync, realpathSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const line = process.argv[2];
if (line !== '2' && line !== '3') {
  console.error('usage: node .ci/otel-versions.cjs <2|3>');
  process.exit(2);
}
const experimental = line === '2' ? /^0\.2\d\d\./ : /^0\.30\d\./;
const stable = new RegExp(`^${line}\\.`);
const EXPECTED = {
  '@opentelemetry/api': /^1\.10\./,
  '@opentelemetry/sdk-trace': stable,
  '@opentelemetry/core': stable,
  '@opentelemetry/resources': stable,
  '@opentelemetry/instrumentation': experimental,
  '@opentelemetry/sdk-node': experimental,
  '@opentelemetry/exporter-trace-otlp-proto': experimental,
  '@opentelemetry/exporter-trace-otlp-grpc': experimental,
};

/** Name, version and directory of the package `request` resolves to from `fromDir` (exports maps may hide package.json). */
function resolvePackage(fromDir, request) {
  const entry = createRequire(path.join(fromDir, 'noop.js')).resolve(request);
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const { name, version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (name === request) return { version, dir: realpathSync(dir) };
    } catch {
      // no package.json at this level
    }
  }
  throw new Error(`${request} resolved from ${fromDir} to ${entry}, which has no package.json`);
}

let failed = false;
function show(label, fromDir, names) {
  for (const name of names) {
    const { version } = resolvePackage(fromDir, name);
    const ok = EXPECTED[name] ? EXPECTED[name].test(version) : true;
    if (!ok) failed = true;
    console.log(`  ${label.padEnd(28)} ${name.padEnd(42)} ${version.padEnd(8)} ${ok ? '' : `NOT the ${line}.x line's`}`);
  }
  return names.map((name) => resolvePackage(fromDir, name).dir);
}

console.log(`== OpenTelemetry JS packages this tree loads (expected: the SDK ${line}.x line, @opentelemetry/api 1.10)`);
const register = path.join(root, 'packages', 'auto-instrumentations');
const [, sdkNodeDir] = show('register', register, [
  '@opentelemetry/api',
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/instrumentation',
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-trace-otlp-grpc',
]);
// The API copy the NodeSDK registers the globals through: it must be the register's, the newest minor.
show('register > sdk-node', sdkNodeDir, ['@opentelemetry/api', '@opentelemetry/sdk-trace', '@opentelemetry/core']);
show('test-support (unit tests)', path.join(root, 'packages', 'test-support'), [
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/instrumentation',
]);
show('cid-exporter', path.join(root, 'packages', 'cid-exporter'), ['@opentelemetry/sdk-trace', '@opentelemetry/core']);

const installed = new Map();
for (const entry of readdirSync(path.join(root, 'node_modules', '.pnpm'))) {
  const match = /^@opentelemetry\+(api|sdk-trace|sdk-trace-base|sdk-trace-node|instrumentation|sdk-node|core)@([^_(]+)/.exec(entry);
  if (match) installed.set(match[1], [...new Set([...(installed.get(match[1]) ?? []), match[2]])]);
}
console.log('  installed in node_modules/.pnpm:');
for (const [name, versions] of [...installed].sort()) console.log(`    @opentelemetry/${name}: ${versions.sort().join(', ')}`);
if (failed) {
  console.error(`error: this tree does not load the OpenTelemetry JS ${line}.x line it is meant to test (see above)`);
  process.exit(1);
}
