// One configuration, one kind of call, in its own process: usage `node worker.mjs <configuration id> plain|stream`.
// The instrumentation is created (and its require hook installed) before `openai` is required; then
// measure.mjs alternates enabled and disabled blocks, checking the counts after each. After shutdown, a
// store-on configuration's store must hold one span record per traced call and pass verifyStore.
// Prints one line `BENCH_RESULT <json>`; any failed check exits non-zero with the reason on stderr.
import { createRequire } from 'node:module';
import { intFromEnv } from '../env.mjs';
import { median } from '../stats.mjs';
import { CONFIGURATIONS, reportDiagnostics } from './configurations.mjs';
import { measureBlocks } from './measure.mjs';
import { callFunction, clientOptions, inMemoryFetch } from './transport.mjs';

const [id, mode] = process.argv.slice(2);
const configuration = CONFIGURATIONS.find((c) => c.id === id);
if (!configuration || (mode !== 'plain' && mode !== 'stream')) {
  throw new Error(`usage: worker.mjs <${CONFIGURATIONS.map((c) => c.id).join('|')}> plain|stream (got ${JSON.stringify([id, mode])})`);
}
const stream = mode === 'stream';
const label = `${configuration.id} ${mode}`;

reportDiagnostics();
const setup = await configuration.create({ stream });
try {
  const { OpenAI } = createRequire(import.meta.url)('openai');
  const client = new OpenAI(clientOptions(inMemoryFetch({ stream })));
  const blockCalls = intFromEnv('BENCH_BLOCK_CALLS', 200);
  const { enabled, disabled, enabledCalls } = await measureBlocks({
    setup,
    call: callFunction(client, { stream }),
    label,
    blockCalls,
    warmupPairs: intFromEnv('BENCH_WARMUP_PAIRS', 40),
    pairs: intFromEnv('BENCH_PAIRS', 20),
  });
  const counts = setup.counts();
  await setup.shutdown();
  const after = (await setup.afterShutdown?.()) ?? {};
  if (after.storeRecords && after.storeRecords.span !== enabledCalls) {
    throw new Error(`${label}: the store holds ${after.storeRecords.span ?? 0} span records for ${enabledCalls} traced calls`);
  }
  if (after.storeVerified === false) throw new Error(`${label}: verifyStore rejected the store the run wrote`);
  const result = {
    configuration: configuration.id,
    mode,
    blockCalls,
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
      ? {
          logsEmitted: counts.logsEmitted,
          logsExported: counts.logsExported,
          logsDropped: counts.logsEmitted - counts.logsExported,
          otlpLogBytesPerCall: counts.logBytes / enabledCalls,
        }
      : {}),
    ...after,
  };
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
} finally {
  setup.cleanup?.();
}
