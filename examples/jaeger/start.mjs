// `node --env-file=otel.env start.mjs`: runs app.mjs the way you would run your own app,
//   node --import @llm-provenance/auto-instrumentations/register app.mjs
// with its SDKs pointed at a loopback emulator of the OpenAI and Anthropic APIs (no API key, nothing
// leaves this machine), then prints where each call is in Jaeger: the trace link and, per call, the
// record CID to search for as a tag.
// Usage: node --env-file=otel.env start.mjs [--store <dir>]   (default ./.llm-provenance, reset each run)
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from '@llm-provenance/provider-emulators';
import { readStoreRecords, verifyStore } from '@llm-provenance/cid-exporter';

/** The Jaeger UI that compose.yaml publishes (otel.env says where). */
const JAEGER_UI = process.env.JAEGER_UI ?? 'http://localhost:16686';

const { values } = parseArgs({ options: { store: { type: 'string' } } });
const storeDir = path.resolve(values.store ?? '.llm-provenance');
const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
if (!endpoint) console.warn('note: no OTEL_EXPORTER_OTLP_ENDPOINT (run with --env-file=otel.env): spans go to the store only');

const emulator = await startEmulator();
// What the "models" answer, in call order: a draft, a review, a summary.
emulator.enqueue(
  { kind: 'text', text: 'Sorry about the double charge! I have refunded the second March payment; it will reach you in 3-5 days.' },
  { kind: 'text', text: 'Polite and clear. Consider naming the refunded amount.' },
  { kind: 'text', text: 'Customer charged twice in March; one charge refunded.' },
);
rmSync(storeDir, { recursive: true, force: true });
const dummyKey = 'sk-example-not-a-real-key';
const env = {
  ...process.env,
  OPENAI_BASE_URL: `${emulator.url}/v1`,
  OPENAI_API_KEY: dummyKey,
  ANTHROPIC_BASE_URL: emulator.url,
  ANTHROPIC_API_KEY: dummyKey,
  LLM_PROVENANCE_DIR: storeDir,
};
delete env.ANTHROPIC_AUTH_TOKEN; // would be sent instead of the dummy key
console.log(`$ node --import @llm-provenance/auto-instrumentations/register app.mjs`);
const code = await new Promise((resolve, reject) => {
  const child = spawn(process.execPath, ['--import', '@llm-provenance/auto-instrumentations/register', 'app.mjs'], {
    cwd: path.dirname(fileURLToPath(import.meta.url)),
    env,
    stdio: 'inherit',
  });
  child.on('error', reject);
  child.on('close', (exitCode, signal) => resolve(signal ? 128 : exitCode));
});
await emulator.close();
if (code !== 0) {
  console.error(`app.mjs exited with ${code}`);
  process.exit(1);
}

const spans = readStoreRecords(storeDir).records.filter(({ record }) => record.type === 'span');
const root = spans.find(({ record }) => record.parentSpanId === null);
console.log(`\n${spans.length} spans sent to ${endpoint ?? '(nowhere)'} and recorded in ${path.relative(process.cwd(), storeDir) || '.'}`);
if (root) console.log(`trace     ${JAEGER_UI}/trace/${root.record.traceId}`);
for (const { record, cid } of spans) {
  console.log(`\n${record.name}`);
  console.log(`  provenance.record.cid=${cid}`);
  if (record.parentSpanId !== null) {
    const tags = encodeURIComponent(JSON.stringify({ 'provenance.record.cid': cid }));
    console.log(`  ${JAEGER_UI}/search?service=${encodeURIComponent(process.env.OTEL_SERVICE_NAME ?? 'support-bot')}&tags=${tags}`);
  }
}
const report = verifyStore(storeDir);
console.log(
  `\nstore ${report.ok ? 'verified' : 'FAILED verification'}: ${report.logs.reduce((n, l) => n + l.records, 0)} records, hash chain and signed checkpoints`,
);
process.exit(report.ok ? 0 : 1);
