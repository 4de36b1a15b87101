// `pnpm demo`: runs app.mjs the way a user would, under
//   node --import @llm-provenance/auto-instrumentations/register app.mjs
// against loopback emulators speaking the OpenAI, Anthropic, Gemini, Groq and Ollama wire formats, and a
// self-hosted vLLM and TGI server (dummy keys, no network), then reads the provenance store it wrote: every record with its CIDs, who spent what
// (credit assignment), where the same input got different outputs (consistency), and finally verifies it.
// Usage: node demo.mjs [--store <dir>]   (default ./.llm-provenance, reset each run)
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator, tgi } from '@llm-provenance/provider-emulators';
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
const DUMMY_KEY = 'sk-demo-not-a-real-key';

console.log(bold('llm-provenance quickstart'));
console.log(dim('An unmodified app using five providers and two self-hosted servers, traced from the command line, audited from its store.'));

step(1, 'Start loopback emulators: OpenAI, Anthropic, Gemini, Groq and Ollama; a vLLM server; a TGI server');
const emulator = await startEmulator();
// Two more, each standing in for a server of your own on its own address.
const vllmServer = await startEmulator();
const tgiServer = await startEmulator({ providers: [tgi] });
console.log(`   ${emulator.url}  ${dim('(speaks each provider’s wire format; nothing leaves this machine)')}`);
console.log(`   ${vllmServer.url}  ${dim('(a vLLM server)')}`);
console.log(`   ${tgiServer.url}  ${dim('(a Hugging Face TGI server)')}`);
// The app's first two calls ask gpt-4o-mini the same question. Real models do not always answer alike;
// these two scenarios make the emulator do the same, so the consistency check below has something to find.
const answers = ['1989', '1991'];
emulator.enqueue(...answers.map((text) => ({ kind: 'text', text })));
console.log(
  `   scripted: the first two answers will be ${answers.map((a) => JSON.stringify(a)).join(' and ')} ${dim('(every other call gets the default echo)')}`,
);

step(2, 'Run app.mjs under the register hook');
rmSync(storeDir, { recursive: true, force: true });
const otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
// Each SDK finds the emulator through its own documented environment variables, with a dummy key.
const sdkEnv = {
  OPENAI_BASE_URL: `${emulator.url}/v1`,
  ANTHROPIC_BASE_URL: emulator.url,
  GOOGLE_GEMINI_BASE_URL: emulator.url,
  GROQ_BASE_URL: emulator.url,
  OLLAMA_HOST: emulator.url,
  VLLM_URL: vllmServer.url,
  TGI_URL: tgiServer.url,
};
const env = {
  ...process.env,
  ...sdkEnv,
  OPENAI_API_KEY: DUMMY_KEY,
  ANTHROPIC_API_KEY: DUMMY_KEY,
  GEMINI_API_KEY: DUMMY_KEY,
  GROQ_API_KEY: DUMMY_KEY,
  VLLM_API_KEY: DUMMY_KEY,
  OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'quickstart',
  LLM_PROVENANCE_DIR: storeDir,
  LLM_PROVENANCE_STORE: 'on',
  // Which address is which kind of self-hosted server: calls to it without an SDK are traced by route.
  LLM_PROVENANCE_INFERENCE_SERVERS: `vllm=${vllmServer.url}`,
};
// Settings that would take precedence over the ones above (and send a real credential to the emulator,
// or make @google/genai warn about two keys / switch to Vertex AI) are not passed on.
for (const name of ['ANTHROPIC_AUTH_TOKEN', 'GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION']) delete env[name];
const args = ['--import', '@llm-provenance/auto-instrumentations/register', 'app.mjs'];
const storeVar = storeDir === path.join(here, '.llm-provenance') ? '' : `LLM_PROVENANCE_DIR=${path.relative(here, storeDir)} `;
const cdPrefix = relative(here) === '.' ? '' : `cd ${relative(here)} && `;
console.log(`   ${dim('$')} ${cdPrefix}${storeVar}node ${args.join(' ')}`);
console.log(`   ${dim(`with ${Object.keys(sdkEnv).join(', ')} set to the emulators, dummy *_API_KEY`)}`);
console.log(`   ${dim(`and LLM_PROVENANCE_INFERENCE_SERVERS=${env.LLM_PROVENANCE_INFERENCE_SERVERS}`)}`);
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
await Promise.all([emulator.close(), vllmServer.close(), tgiServer.close()]);
if (exitCode !== 0) {
  console.error(red(`\napp.mjs exited with ${exitCode}; stopping.`));
  process.exit(1);
}
const answered = emulator.requests.length + vllmServer.requests.length + tgiServer.requests.length;
console.log(`   ${green('✔')} ${answered} requests answered by the emulators`);

step(3, 'Where the traces went');
console.log(`   provenance store  ${bold(relative(storeDir))}`);
console.log(
  otlpEndpoint
    ? `   OTLP              ${bold(otlpEndpoint)} ${dim('(spans carry the store CIDs as provenance.* attributes)')}`
    : `   OTLP              ${dim('off. Set OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 to also send them to a collector or Jaeger')}`,
);

step(4, 'What is in it: one record per call');
const { records } = readStoreRecords(storeDir);
// The span views put the captured content (prompts, answers) back next to the attributes.
const views = new Map(storeSpanViews(storeDir).map((view) => [view.spanId, view]));
/** One entry per span record: what the summaries below are computed from. */
const calls = [];
for (const { record, cid } of records) {
  if (record.type !== 'span') {
    console.log(`   ${dim(`#${record.seq}`)} ${record.type} record ${cid}`);
    continue;
  }
  const attributes = record.attributes;
  const content = views.get(record.spanId)?.attributes ?? {};
  const entry = {
    seq: record.seq,
    cid,
    provider: String(attributes['gen_ai.provider.name'] ?? 'unknown'),
    operation: String(attributes['gen_ai.operation.name'] ?? record.name),
    model: String(attributes['gen_ai.response.model'] ?? attributes['gen_ai.request.model'] ?? '?'),
    user: attributes['enduser.id'],
    task: attributes['provenance.task.id'],
    inputTokens: numberOrUndefined(attributes['gen_ai.usage.input_tokens']),
    outputTokens: numberOrUndefined(attributes['gen_ai.usage.output_tokens']),
    cost: numberOrUndefined(attributes['gen_ai.usage.cost.amount']),
    costSource: attributes['gen_ai.usage.cost.source'],
    input: record.input?.['/'],
    output: record.output?.['/'],
    prompt: typeof content['gen_ai.input.messages'] === 'string' ? summarise(content['gen_ai.input.messages']) : undefined,
    says: typeof content['gen_ai.output.messages'] === 'string' ? summarise(content['gen_ai.output.messages']) : undefined,
  };
  calls.push(entry);
  const who = entry.user ? `  ${dim(`for ${entry.user}${entry.task ? ` / ${entry.task}` : ''}`)}` : '';
  console.log(`   ${dim(`#${entry.seq}`)} ${bold(entry.provider)} · ${entry.operation} · ${entry.model}${who}`);
  const tokens = [entry.inputTokens !== undefined && `${entry.inputTokens} in`, entry.outputTokens !== undefined && `${entry.outputTokens} out`].filter(
    Boolean,
  );
  const cost = entry.cost === undefined ? 'unknown' : `${dollars(entry.cost)} ${dim(`(${entry.costSource})`)}`;
  console.log(`      tokens  ${tokens.join(' · ') || 'not reported'}   cost  ${cost}`);
  console.log(`      record  ${yellow(cid)}`);
  console.log(`      input   ${entry.input ?? dim('none')}`);
  console.log(`      output  ${entry.output ?? dim('none (embedding vectors are not stored as content)')}`);
  if (entry.says !== undefined) console.log(`      ${dim(`says    ${entry.says}`)}`);
}
if (calls.length === 0) {
  console.error(red('   ✘ the store holds no span records: the app ran untraced (see the warnings above).'));
  process.exit(1);
}

step(5, 'Credit assignment: who and what spent the tokens');
printTotals('provider', calls, (call) => call.provider);
console.log();
printTotals('user / task', calls, (call) => (call.user ? `${call.user} / ${call.task ?? '-'}` : '(unattributed)'));
console.log(dim('   users and tasks come from withAttribution({ userId, taskId }) around the calls in app.mjs'));

step(6, 'Consistency: the same input, different outputs?');
const byInput = new Map();
for (const call of calls) {
  if (!call.input) continue;
  byInput.set(call.input, [...(byInput.get(call.input) ?? []), call]);
}
const repeated = [...byInput.entries()].filter(([, group]) => group.length > 1);
let differing = 0;
for (const [input, group] of repeated) {
  const outputs = new Set(group.map((call) => call.output ?? 'none'));
  console.log(`   input ${yellow(input)} ${dim(`asked ${group.length} times: ${group[0].prompt ?? ''}`)}`);
  for (const call of group) {
    console.log(`      ${dim(`#${call.seq}`)} ${call.provider} ${call.model} -> output ${call.output ?? 'none'}  ${dim(call.says ?? '')}`);
  }
  if (outputs.size > 1) {
    differing += 1;
    console.log(`   ${red('✘')} ${outputs.size} different outputs for one input: inconsistent, check these answers before trusting them`);
  } else {
    console.log(`   ${green('✔')} every answer identical`);
  }
}
console.log(
  `   ${byInput.size} distinct inputs over ${calls.length} calls; ${repeated.length} asked more than once, ${differing} of them with differing outputs`,
);

step(7, 'Verify the store');
const report = verifyStore(storeDir);
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
console.log(`   ${green('✔')} Ed25519 signatures valid ${dim(`(public key ${report.publicKeys.join(', ')}; llm-provenance key export prints it)`)}`);

step(8, 'Verify it yourself');
const cli = relative(path.join(repoRoot, 'packages/cid-exporter/bin/llm-provenance.cjs'));
console.log(`   ${dim('$')} node ${cli} verify ${relative(storeDir)}`);
console.log(`   ${dim('$')} cd ${relative(here)} && npm exec llm-provenance -- verify ${path.relative(here, storeDir)}`);
console.log(dim('\n   Change one byte in a logs/*.jsonl file and run it again: verify names the record and what broke.'));

/** Calls, tokens and cost per group, as an aligned table. */
function printTotals(heading, entries, keyOf) {
  const groups = new Map();
  for (const call of entries) {
    const key = keyOf(call);
    const total = groups.get(key) ?? { calls: 0, input: 0, output: 0, cost: 0, unpriced: 0 };
    total.calls += 1;
    total.input += call.inputTokens ?? 0;
    total.output += call.outputTokens ?? 0;
    if (call.cost === undefined) total.unpriced += 1;
    else total.cost += call.cost;
    groups.set(key, total);
  }
  const width = Math.max(heading.length, ...[...groups.keys()].map((key) => key.length));
  console.log(`   ${dim(`${heading.padEnd(width)}  calls  tokens in  tokens out  cost (USD)`)}`);
  const all = { calls: 0, input: 0, output: 0, cost: 0, unpriced: 0 };
  const row = (key, t) =>
    `   ${key.padEnd(width)}  ${String(t.calls).padStart(5)}  ${String(t.input).padStart(9)}  ${String(t.output).padStart(10)}  ${dollars(t.cost).padStart(11)}${
      t.unpriced ? dim(` + ${t.unpriced} unpriced`) : ''
    }`;
  for (const [key, t] of groups) {
    console.log(row(key, t));
    for (const field of Object.keys(all)) all[field] += t[field];
  }
  console.log(bold(row('total', all)));
}

function dollars(amount) {
  return `$${amount.toFixed(8)}`;
}

function numberOrUndefined(value) {
  return typeof value === 'number' ? value : undefined;
}

/** The text parts of gen_ai.input.messages / gen_ai.output.messages (or their tool calls), on one line. */
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
