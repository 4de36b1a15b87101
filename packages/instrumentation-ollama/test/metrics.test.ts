import { createRequire } from 'node:module';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costPoint, expectConsistentTimings, expectedMetric, secondsPoint, setupMetrics, tokenPoint, useEmulator } from '@llm-provenance/test-support';
import { setupTracing, waitForSpans } from './tracing.js';

/**
 * The GenAI client metrics from calls through the real ollama SDK (NDJSON streams, no Stainless client)
 * to the loopback emulator, collected from a real MeterProvider.
 */
const tracing = setupTracing();
const metrics = setupMetrics(tracing.instrumentation);
const metric = (name: Parameters<typeof expectedMetric>[1], points: unknown[]) => expectedMetric('@llm-provenance/instrumentation-ollama', name, points);

describe('GenAI metrics, ollama', () => {
  const emu = useEmulator();
  let client: any;

  beforeAll(() => {
    // Required after the instrumentation is enabled, as `--require`/`--import` would do.
    const { Ollama } = createRequire(import.meta.url)('ollama');
    client = new Ollama({ host: emu.url });
  });
  beforeEach(async () => {
    emu.reset();
    tracing.exporter.reset();
    await metrics.collect();
  });
  afterAll(() => metrics.shutdown());

  const attributes = (operation: string) => ({
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': 'ollama',
    'gen_ai.request.model': 'llama3.2',
    'server.address': '127.0.0.1',
    'server.port': emu.port,
    'gen_ai.response.model': 'llama3.2',
  });

  it('records tokens, a zero local cost and the chunk timings of a streamed chat', async () => {
    const stream = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'Say hello' }], stream: true });
    let chunks = 0;
    for await (const _chunk of stream) chunks += 1;
    expect(chunks).toBeGreaterThan(1);
    await waitForSpans(tracing.exporter, 1);
    const collected = await metrics.collect();
    const chat = attributes('chat');
    expect(collected).toEqual([
      metric('gen_ai.client.cost', [costPoint(chat, 'USD', 'price_table', 0)]),
      metric('gen_ai.client.operation.duration', [secondsPoint(chat, 1)]),
      metric('gen_ai.client.operation.time_per_output_chunk', [secondsPoint(chat, chunks - 1)]),
      metric('gen_ai.client.operation.time_to_first_chunk', [secondsPoint(chat, 1)]),
      metric('gen_ai.client.token.usage', [
        tokenPoint({ ...chat, 'gen_ai.token.type': 'input' }, 2),
        tokenPoint({ ...chat, 'gen_ai.token.type': 'output' }, 3),
      ]),
    ]);
    expectConsistentTimings(collected);
  });

  it('records input tokens only for embeddings, which report no output', async () => {
    await client.embed({ model: 'llama3.2', input: 'one two three' });
    await waitForSpans(tracing.exporter, 1);
    const embeddings = attributes('embeddings');
    const usage = (await metrics.collect()).find((m) => m.name === 'gen_ai.client.token.usage');
    expect(usage?.points).toEqual([tokenPoint({ ...embeddings, 'gen_ai.token.type': 'input' }, 3)]);
  });
});
