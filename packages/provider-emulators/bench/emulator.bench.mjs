// Throughput of the emulator as the real openai SDK sees it (JSON and streamed chat completions),
// so benchmarks of instrumentations can subtract the emulator's own cost. Run after building:
//   pnpm --filter @llm-provenance/provider-emulators run bench
import OpenAI from 'openai';
import { startEmulator } from '@llm-provenance/provider-emulators';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 500);
const emu = await startEmulator({ recordRequests: false });
const client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-bench', maxRetries: 0 });
const messages = [{ role: 'user', content: 'the quick brown fox jumps over the lazy dog' }];

async function measure(label, once) {
  for (let i = 0; i < 20; i++) await once(); // warm-up: connections, JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) await once();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${label.padEnd(28)} ${(ms / ROUNDS).toFixed(3)} ms/request  ${Math.round((ROUNDS * 1000) / ms)} requests/s`);
}

try {
  await measure('chat.completions JSON', () => client.chat.completions.create({ model: 'm', messages }));
  await measure('chat.completions stream', async () => {
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
    for await (const _ of stream);
  });
  await measure('responses stream', async () => {
    const stream = await client.responses.create({ model: 'm', input: 'the quick brown fox', stream: true });
    for await (const _ of stream);
  });
} finally {
  await emu.close();
}
