// One configuration, one kind of call, in its own process: usage `node worker.mjs <configuration id> plain|stream`.
// The instrumentation is created (and its require hook installed) before `openai` is required, then blocks
// of calls alternate between instrumentation.enable() and disable() (which re-patch and unpatch the loaded
// module). Each block's CPU time (process.cpuUsage: user + system) includes the forceFlush that exports its
// spans. After every block the counts are checked: an enabled block must have ended, exported and (with its
// content) serialised exactly one span per call, a disabled block none; otherwise the worker fails.
// Prints one line `BENCH_RESULT <json>`.
import { createRequire } from 'node:module';
import { CONFIGURATIONS, reportDiagnostics } from './configurations.mjs';
import { callFunction, clientOptions, inMemoryFetch } from './transport.mjs';
import { median } from '../stats.mjs';
import { intFromEnv } from '../env.mjs';

const [id, mode] = process.argv.slice(2);
const configuration = CONFIGURATIONS.find((c) => c.id === id);
if (!configuration || (mode !== 'plain' && mode !== 'stream')) {
  throw new Error(`usage: worker.mjs <${CONFIGURATIONS.map((c) => c.id).join('|')}> plain|stream (got ${JSON.stringify([id, mode])})`);
}
const stream = mode === 'stream';
const BLOCK_CALLS = intFromEnv('BENCH_BLOCK_CALLS', 200);
const WARMUP_PAIRS = intFromEnv('BENCH_WARMUP_PAIRS', 10);
const PAIRS = intFromEnv('BENCH_PAIRS', 20);

reportDiagnostics();
const setup = await configuration.create({ stream });
const require = createRequire(import.meta.url);
const { OpenAI } = require('openai');
const client = new OpenAI(clientOptions(inMemoryFetch({ stream })));
const call = callFunction(client, { stream });

let enabledCalls = 0;

/** One block of BLOCK_CALLS calls, flushed: CPU microseconds per call. Throws if the counts are wrong. */
async function block(enabled) {
  if (enabled) setup.instrumentation.enable();
  else setup.instrumentation.disable();
  const before = setup.counts();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < BLOCK_CALLS; i++) await call();
  await setup.flush();
  const cpu = process.cpuUsage(cpu0);
  checkBlock(before, setup.counts(), enabled);
  if (enabled) enabledCalls += BLOCK_CALLS;
  return (cpu.user + cpu.system) / BLOCK_CALLS;
}

function checkBlock(before, after, enabled) {
  const delta = (key) => (after[key] ?? 0) - (before[key] ?? 0);
  const want = enabled ? BLOCK_CALLS : 0;
  const what = `${configuration.id} ${mode}, ${enabled ? 'enabled' : 'disabled'} block of ${BLOCK_CALLS} calls`;
  const problems = [];
  if (delta('ended') !== want) problems.push(`${delta('ended')} spans ended, expected ${want}`);
  if (delta('exported') !== delta('ended')) problems.push(`${delta('exported')} spans exported of ${delta('ended')} ended (dropped)`);
  if (setup.contentOn === 'spans') {
    if (delta('withContent') !== want) problems.push(`${delta('withContent')} exported spans carry the prompt and the answer, expected ${want}`);
  }
  if (setup.contentOn === 'logs') {
    if (delta('logsExported') !== delta('logsEmitted')) problems.push(`${delta('logsExported')} log records exported of ${delta('logsEmitted')} emitted (dropped)`);
    if (delta('logsWithInput') !== want) problems.push(`${delta('logsWithInput')} log records carry the prompt, expected ${want}`);
    if (delta('logsWithOutput') !== want) problems.push(`${delta('logsWithOutput')} log records carry the answer, expected ${want}`);
  }
  if (problems.length > 0) throw new Error(`${what}: ${problems.join('; ')}`);
}

try {
  for (let i = 0; i < WARMUP_PAIRS; i++) {
    await block(true);
    await block(false);
  }
  const enabled = [];
  const disabled = [];
  // Alternate which comes first, so a drift in the machine's speed hits both sides alike.
  for (let i = 0; i < PAIRS; i++) {
    if (i % 2 === 0) {
      disabled.push(await block(false));
      enabled.push(await block(true));
    } else {
      enabled.push(await block(true));
      disabled.push(await block(false));
    }
  }
  const counts = setup.counts();
  await setup.shutdown();
  const after = (await setup.afterShutdown?.()) ?? {};
  if (after.storeRecords && after.storeRecords.span !== enabledCalls) {
    throw new Error(`${configuration.id} ${mode}: the store holds ${after.storeRecords.span ?? 0} span records for ${enabledCalls} traced calls`);
  }
  if (after.storeVerified === false) throw new Error(`${configuration.id} ${mode}: verifyStore rejected the store the run wrote`);
  const result = {
    configuration: configuration.id,
    mode,
    blockCalls: BLOCK_CALLS,
    enabledMicros: enabled,
    disabledMicros: disabled,
    addedMicros: median(enabled) - median(disabled),
    baseMicros: median(disabled),
    enabledCalls,
    spansEnded: counts.ended,
    spansExported: counts.exported,
    spansDropped: counts.ended - counts.exported,
    otlpBytesPerSpan: counts.exported > 0 ? counts.bytes / counts.exported : 0,
    ...(setup.contentOn === 'logs'
      ? { logsEmitted: counts.logsEmitted, logsExported: counts.logsExported, logsDropped: counts.logsEmitted - counts.logsExported, otlpLogBytesPerCall: counts.logBytes / enabledCalls }
      : {}),
    ...after,
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
} finally {
  setup.cleanup?.();
}
