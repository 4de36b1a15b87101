import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { costPoint, expectConsistentTimings, expectedMetric, secondsPoint, setupMetrics, tokenPoint, useEmulator } from '@llm-provenance/test-support';
import { loadAnthropic, SDKS, setupTracing, waitForSpans } from './helpers.js';

/**
 * The GenAI client metrics and our cost counter from calls through the real @anthropic-ai/sdk to the
 * loopback emulator, collected from a real MeterProvider. Durations vary from run to run: for them the
 * count, the buckets' consistency and the attributes are checked.
 */
const tracing = setupTracing();
const metrics = setupMetrics(tracing.instrumentation);
const SCOPE = '@llm-provenance/instrumentation-anthropic';
const metric = (name: Parameters<typeof expectedMetric>[1], points: unknown[]) => expectedMetric(SCOPE, name, points);
const MODEL = 'claude-sonnet-4';
// claude-sonnet-4 in the built-in price table, USD per 1M tokens: input 3, cache read 0.3, cache write 3.75, output 15.
const cost = (input: number, output: number, cacheRead = 0, cacheCreation = 0) =>
  Math.round(((input * 3 + cacheRead * 0.3 + cacheCreation * 3.75 + output * 15) / 1e6) * 1e12) / 1e12;

describe('GenAI metrics, anthropic', () => {
  const emu = useEmulator();
  const Anthropic = loadAnthropic(SDKS['anthropic-1']);
  const client = () => new Anthropic({ baseURL: emu.url, apiKey: 'sk-ant-test', maxRetries: 0 });
  const base = () => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': MODEL,
    'server.address': '127.0.0.1',
    'server.port': emu.port,
  });
  const request = { model: MODEL, max_tokens: 100, system: 'Be terse.', messages: [{ role: 'user', content: 'hello there' }] };

  beforeEach(async () => {
    emu.reset();
    tracing.exporter.reset();
    await metrics.collect(); // delta temporality: each test starts from nothing
  });
  afterAll(() => metrics.shutdown());

  it('records duration, tokens and cost of a message', async () => {
    await client().messages.create(request);
    await waitForSpans(tracing, 1);
    const collected = await metrics.collect();
    const attributes = { ...base(), 'gen_ai.response.model': MODEL };
    expect(collected).toEqual([
      metric('gen_ai.client.cost', [costPoint(attributes, 'USD', 'price_table', cost(4, 3))]),
      metric('gen_ai.client.operation.duration', [secondsPoint(attributes, 1)]),
      metric('gen_ai.client.token.usage', [
        tokenPoint({ ...attributes, 'gen_ai.token.type': 'input' }, 4),
        tokenPoint({ ...attributes, 'gen_ai.token.type': 'output' }, 3),
      ]),
    ]);
    expectConsistentTimings(collected);
  });

  it('counts cache reads and writes into the input tokens, in the bucket the total falls in', async () => {
    emu.enqueue({ kind: 'cache', read: 1000, creation: 200 });
    await client().messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    await waitForSpans(tracing, 1);
    const usage = (await metrics.collect()).find((m) => m.name === 'gen_ai.client.token.usage');
    const attributes = { ...base(), 'gen_ai.response.model': MODEL };
    expect(usage?.points).toEqual([
      tokenPoint({ ...attributes, 'gen_ai.token.type': 'input' }, 1201),
      tokenPoint({ ...attributes, 'gen_ai.token.type': 'output' }, 2),
    ]);
    expect(usage?.points[0]?.histogram?.counts).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('adds the chunk timings of a streamed message: one per event after the first', async () => {
    const stream = await client().messages.create({ ...request, stream: true });
    let events = 0;
    for await (const _event of stream) events += 1;
    expect(events).toBeGreaterThan(2);
    await waitForSpans(tracing, 1);
    const collected = await metrics.collect();
    const attributes = { ...base(), 'gen_ai.response.model': MODEL };
    expect(collected).toEqual([
      metric('gen_ai.client.cost', [costPoint(attributes, 'USD', 'price_table', cost(4, 3))]),
      metric('gen_ai.client.operation.duration', [secondsPoint(attributes, 1)]),
      metric('gen_ai.client.operation.time_per_output_chunk', [secondsPoint(attributes, events - 1)]),
      metric('gen_ai.client.operation.time_to_first_chunk', [secondsPoint(attributes, 1)]),
      metric('gen_ai.client.token.usage', [
        tokenPoint({ ...attributes, 'gen_ai.token.type': 'input' }, 4),
        tokenPoint({ ...attributes, 'gen_ai.token.type': 'output' }, 3),
      ]),
    ]);
    expectConsistentTimings(collected);
  });

  it('records only the duration, with error.type, for a failed message', async () => {
    emu.enqueue({ kind: 'error', status: 529 });
    await expect(client().messages.create(request)).rejects.toThrow();
    await waitForSpans(tracing, 1);
    expect(await metrics.collect()).toEqual([metric('gen_ai.client.operation.duration', [secondsPoint({ ...base(), 'error.type': '529' }, 1)])]);
  });
});
