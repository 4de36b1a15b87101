// `pnpm demo`: runs app.mjs the way a user would, under
//   node --import @llm-provenance/auto-instrumentations/register app.mjs
// against a loopback OpenAI emulator (no API key, no network), then verifies the provenance store it wrote
// and shows what is in it. Usage: node demo.mjs [--store <dir>]   (default ./.llm-provenance, reset each run)
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from '@llm-provenance/provider-emulators';
import { readStoreRecords, storeSpanViews, verifyStore } from '@llm-provenance/cid-exporter';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const { values } = parseArgs({ options: { store: { type: 'string' } } });
const storeDir = path.resolve(values.store ?? path.join(here, '.llm-provenance'));

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : String(text));
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const red = paint('31');
const cyan = paint('36');
const yellow = paint('33');
const step = (n, title) => console.log(`\n${bold(cyan(`${n}.`))} ${bold(title)}`);
// Paths are shown relative to where the user typed the command (pnpm runs scripts in the package dir and
// passes the caller's directory as INIT_CWD).
const userCwd = process.env.INIT_CWD ?? process.cwd();
const relative = (file) => path.relative(userCwd, file) || '.';

console.log(bold('llm-provenance quickstart'));
console.log(dim('An unmodified OpenAI app, traced from the command line, audited from its store.'));

step(1, 'Start a loopback OpenAI emulator');
const emulator = await startEmulator();
console.log(`   ${emulator.url}  ${dim('(speaks the OpenAI wire format; nothing leaves this machine)')}`);

step(2, 'Run app.mjs under the register hook');
rmSync(storeDir, { recursive: true, force: true });
const otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const env = {
  ...process.env,
  OPENAI_BASE_URL: `${emulator.url}/v1`,
  OPENAI_API_KEY: 'sk-demo-not-a-real-key',
  OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'quickstart',
  LLM_PROVENANCE_DIR: storeDir,
  LLM_PROVENANCE_STORE: 'on',
};
const args = ['--import', '@llm-provenance/auto-instrumentations/register', 'app.mjs'];
const storeVar = storeDir === path.join(here, '.llm-provenance') ? '' : `LLM_PROVENANCE_DIR=${path.relative(here, storeDir)} `;
const cdPrefix = relative(here) === '.' ? '' : `cd ${relative(here)} && `;
console.log(`   ${dim('$')} ${cdPrefix}OPENAI_BASE_URL=${emulator.url}/v1 ${storeVar}node ${args.join(' ')}`);
const exitCode = await new Promise((resolve, reject) => {
  const child = spawn(process.execPath, args, { cwd: here, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) out.write(`   ${dim('app │')} ${line}\n`);
    });
    stream.on('end', () => pending && out.write(`   ${dim('app │')} ${pending}\n`));
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('error', reject);
  child.on('close', (code, signal) => resolve(signal ? 128 : code));
});
await emulator.close();
if (exitCode !== 0) {
  console.error(red(`\napp.mjs exited with ${exitCode}; stopping.`));
  process.exit(1);
}
console.log(`   ${green('✔')} ${emulator.requests.length} requests answered by the emulator`);

step(3, 'Where the traces went');
console.log(`   provenance store  ${bold(relative(storeDir))}`);
console.log(
  otlpEndpoint
    ? `   OTLP              ${bold(otlpEndpoint)} ${dim('(spans carry the store CIDs as provenance.* attributes)')}`
    : `   OTLP              ${dim('off. Set OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 to also send them to a collector or Jaeger')}`,
);

step(4, 'Verify the store');
const report = verifyStore(storeDir);
const stored = report.logs.reduce((sum, log) => sum + log.records, 0);
if (stored === 0) {
  console.error(red('   ✘ the store holds no records: the app ran untraced (see the warnings above).'));
  process.exit(1);
}
if (!report.ok) {
  for (const failure of report.failures) console.log(`   ${red('✘')} ${JSON.stringify(failure)}`);
  console.error(red('\nThe store did not verify.'));
  process.exit(1);
}
for (const log of report.logs) {
  console.log(
    `   ${green('✔')} log ${log.log}: ${log.records} records, hash chain intact, ${log.checkpoints} signed checkpoint${log.checkpoints === 1 ? '' : 's'} covering ${log.signedSize}/${log.records}`,
  );
}
console.log(`   ${green('✔')} ${report.blocks} payload blocks re-hashed, every CID matches its bytes`);
console.log(`   ${green('✔')} Ed25519 signatures valid ${dim(`(public key ${report.publicKeys.map((key) => key.slice(0, 16) + '…').join(', ')})`)}`);

step(5, 'What is in it');
const { records } = readStoreRecords(storeDir);
const views = new Map(storeSpanViews(storeDir).map((view) => [view.spanId, view]));
for (const { record, cid } of records) {
  if (record.type !== 'span') {
    console.log(`   ${dim(`#${record.seq}`)} ${record.type} record ${cid}`);
    continue;
  }
  const attributes = record.attributes;
  const usage = [
    attributes['gen_ai.usage.input_tokens'] !== undefined && `${attributes['gen_ai.usage.input_tokens']} in`,
    attributes['gen_ai.usage.output_tokens'] !== undefined && `${attributes['gen_ai.usage.output_tokens']} out`,
    attributes['gen_ai.usage.cost.amount'] !== undefined &&
      `$${Number(attributes['gen_ai.usage.cost.amount']).toFixed(8)} ${dim(`(${attributes['gen_ai.usage.cost.source']})`)}`,
  ].filter(Boolean);
  console.log(`   ${dim(`#${record.seq}`)} ${bold(record.name)}  ${dim(usage.join(' · '))}`);
  console.log(`      record  ${yellow(cid)}`);
  if (record.input) console.log(`      input   ${record.input['/']}`);
  if (record.output) console.log(`      output  ${record.output['/']}`);
  const output = views.get(record.spanId)?.attributes['gen_ai.output.messages'];
  if (typeof output === 'string') console.log(`      ${dim(`says    ${summarise(output)}`)}`);
}

step(6, 'Verify it yourself');
const cli = relative(path.join(repoRoot, 'packages/cid-exporter/bin/llm-provenance.cjs'));
console.log(`   ${dim('$')} node ${cli} verify ${relative(storeDir)}`);
console.log(`   ${dim('$')} cd ${relative(here)} && npx llm-provenance verify ${path.relative(here, storeDir)}`);
console.log(dim('\n   Change one byte in a logs/*.jsonl file and run it again: verify names the record and what broke.'));

/** The text parts of gen_ai.output.messages (or its tool calls), on one line. */
function summarise(messagesJson) {
  try {
    const parts = JSON.parse(messagesJson).flatMap((message) => message.parts ?? []);
    const text = parts
      .map((part) => (part.type === 'text' ? part.content : part.type === 'tool_call' ? `${part.name}(${JSON.stringify(part.arguments)})` : `[${part.type}]`))
      .join(' ');
    return text.length > 72 ? `${text.slice(0, 71)}…` : text;
  } catch {
    return messagesJson.slice(0, 72);
  }
}
