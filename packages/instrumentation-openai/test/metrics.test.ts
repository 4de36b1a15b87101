import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costPoint, expectConsistentTimings, expectedMetric, secondsPoint, setupMetrics, tokenPoint, useEmulator } from '@llm-provenance/test-support';
import { MAJORS, finishedSpans, loadOpenAI, setupTracing } from './helpers.js';

/**
 * The GenAI client metrics (gen-ai-metrics.md) and our cost counter, as a real MeterProvider collects them
 * from calls through the real openai SDK to the loopback emulator: names, units, attributes, the advised
 * bucket boundaries, and the values. Durations vary from run to run, so for them the test checks the
 * count, that every value fell into exactly one bucket, and the attributes.
 */
const { exporter, instrumentation } = setupTracing();
const metrics = setupMetrics(instrumentation);
const SCOPE = '@llm-provenance/instrumentation-openai';
const metric = (name: Parameters<typeof expectedMetric>[1], points: unknown[]) => expectedMetric(SCOPE, name, points);

const openai6 = MAJORS.find((m) => m.major === 6)!;

describe('GenAI metrics, openai', () => {
  const emu = useEmulator();
  let client: any;

  beforeAll(() => {
    const OpenAI = loadOpenAI(openai6.from);
    client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  beforeEach(async () => {
    emu.reset();
    exporter.reset();
    instrumentation.enable();
    await metrics.collect(); // delta temporality: start each test from nothing
  });
  afterAll(() => metrics.shutdown());

  const base = () => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'server.address': '127.0.0.1',
    'server.port': emu.port,
  });

  it('records duration, input and output tokens and the cost of a chat completion', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }] });
    await finishedSpans(exporter);
    const collected = await metrics.collect();
    const attributes = { ...base(), 'gen_ai.response.model': 'gpt-4o-mini' };
    expect(collected).toEqual([
      metric('gen_ai.client.cost', [costPoint(attributes, 'USD', 'price_table', 0.00000285)]),
      metric('gen_ai.client.operation.duration', [secondsPoint(attributes, 1)]),
      metric('gen_ai.client.token.usage', [
        tokenPoint({ ...attributes, 'gen_ai.token.type': 'input' }, 3),
        tokenPoint({ ...attributes, 'gen_ai.token.type': 'output' }, 4),
      ]),
    ]);
    expectConsistentTimings(collected);
  });

  it('adds time to first chunk and one time per output chunk for every chunk after the first of a stream', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello world' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    for await (const _chunk of stream) chunks += 1;
    expect(chunks).toBeGreaterThan(2);
    await finishedSpans(exporter);
    const collected = await metrics.collect();
    const attributes = { ...base(), 'gen_ai.response.model': 'gpt-4o-mini' };
    expect(collected).toEqual([
      metric('gen_ai.client.cost', [costPoint(attributes, 'USD', 'price_table', 0.00000285)]),
      metric('gen_ai.client.operation.duration', [secondsPoint(attributes, 1)]),
      metric('gen_ai.client.operation.time_per_output_chunk', [secondsPoint(attributes, chunks - 1)]),
      metric('gen_ai.client.operation.time_to_first_chunk', [secondsPoint(attributes, 1)]),
      metric('gen_ai.client.token.usage', [
        tokenPoint({ ...attributes, 'gen_ai.token.type': 'input' }, 3),
        tokenPoint({ ...attributes, 'gen_ai.token.type': 'output' }, 4),
      ]),
    ]);
    expectConsistentTimings(collected);
  });

  it('records only the duration, with error.type, for a failed call', async () => {
    emu.enqueue({ kind: 'error', status: 429 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    await finishedSpans(exporter);
    const collected = await metrics.collect();
    expect(collected).toEqual([metric('gen_ai.client.operation.duration', [secondsPoint({ ...base(), 'error.type': '429' }, 1)])]);
    expectConsistentTimings(collected);
  });

  it('aggregates calls with the same attributes into one series per token type', async () => {
    for (const content of ['Say hello world', 'one two three four five six seven']) {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    }
    await finishedSpans(exporter, 2);
    const usage = (await metrics.collect()).find((m) => m.name === 'gen_ai.client.token.usage');
    const attributes = { ...base(), 'gen_ai.response.model': 'gpt-4o-mini' };
    expect(usage?.points).toEqual([
      tokenPoint({ ...attributes, 'gen_ai.token.type': 'input' }, 3, 7),
      tokenPoint({ ...attributes, 'gen_ai.token.type': 'output' }, 4, 8),
    ]);
  });

  it('measures nothing once the instrumentation is disabled', async () => {
    instrumentation.disable();
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(await metrics.collect()).toEqual([]);
  });
});
