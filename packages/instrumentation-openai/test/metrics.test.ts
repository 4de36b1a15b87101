import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setupMetrics, useEmulator, type CollectedMetric } from '@llm-provenance/test-support';
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
const TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const SECONDS_BOUNDARIES = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/** A token histogram point holding exactly `values`. */
function tokens(attributes: Record<string, unknown>, ...values: number[]) {
  const counts = TOKEN_BOUNDARIES.map(() => 0).concat(0);
  for (const value of values) counts[TOKEN_BOUNDARIES.findIndex((bound) => value <= bound)]! += 1;
  return {
    attributes,
    histogram: {
      count: values.length,
      sum: values.reduce((a, b) => a + b, 0),
      min: Math.min(...values),
      max: Math.max(...values),
      boundaries: TOKEN_BOUNDARIES,
      counts,
    },
  };
}

/** A seconds histogram point with `count` values, whatever they were. */
function seconds(attributes: Record<string, unknown>, count: number) {
  return {
    attributes,
    histogram: { count, sum: expect.any(Number), min: expect.any(Number), max: expect.any(Number), boundaries: SECONDS_BOUNDARIES, counts: expect.any(Array) },
  };
}

/** Checks what `seconds()` leaves open: non-negative values, each counted in one bucket. */
function expectConsistentTimings(collected: CollectedMetric[]): void {
  for (const metric of collected.filter((m) => m.unit === 's')) {
    for (const { histogram } of metric.points) {
      expect(histogram!.counts).toHaveLength(SECONDS_BOUNDARIES.length + 1);
      expect(histogram!.counts.reduce((a, b) => a + b, 0)).toBe(histogram!.count);
      expect(histogram!.min).toBeGreaterThanOrEqual(0);
      expect(histogram!.sum).toBeGreaterThanOrEqual(histogram!.max!);
    }
  }
}

const DESCRIPTIONS = {
  'gen_ai.client.cost': 'Cost of GenAI calls, in the currency named by gen_ai.usage.cost.currency (llm-provenance).',
  'gen_ai.client.operation.duration': 'GenAI operation duration.',
  'gen_ai.client.operation.time_per_output_chunk':
    'Time per output chunk, recorded for each chunk received after the first one, measured as the time elapsed from the end of the previous chunk to the end of the current chunk.',
  'gen_ai.client.operation.time_to_first_chunk':
    'Time to receive the first chunk, measured from when the client issues the generation request to when the first chunk is received in the response stream.',
  'gen_ai.client.token.usage': 'Number of input and output tokens used.',
} as const;

function metric(name: keyof typeof DESCRIPTIONS, unit: string, type: 'histogram' | 'sum', points: unknown[]) {
  return { scope: SCOPE, name, unit, description: DESCRIPTIONS[name], type, points };
}

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
      metric('gen_ai.client.cost', '{currency}', 'sum', [
        { attributes: { ...attributes, 'gen_ai.usage.cost.currency': 'USD', 'gen_ai.usage.cost.source': 'price_table' }, value: 0.00000285 },
      ]),
      metric('gen_ai.client.operation.duration', 's', 'histogram', [seconds(attributes, 1)]),
      metric('gen_ai.client.token.usage', '{token}', 'histogram', [
        tokens({ ...attributes, 'gen_ai.token.type': 'input' }, 3),
        tokens({ ...attributes, 'gen_ai.token.type': 'output' }, 4),
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
      metric('gen_ai.client.cost', '{currency}', 'sum', [
        { attributes: { ...attributes, 'gen_ai.usage.cost.currency': 'USD', 'gen_ai.usage.cost.source': 'price_table' }, value: 0.00000285 },
      ]),
      metric('gen_ai.client.operation.duration', 's', 'histogram', [seconds(attributes, 1)]),
      metric('gen_ai.client.operation.time_per_output_chunk', 's', 'histogram', [seconds(attributes, chunks - 1)]),
      metric('gen_ai.client.operation.time_to_first_chunk', 's', 'histogram', [seconds(attributes, 1)]),
      metric('gen_ai.client.token.usage', '{token}', 'histogram', [
        tokens({ ...attributes, 'gen_ai.token.type': 'input' }, 3),
        tokens({ ...attributes, 'gen_ai.token.type': 'output' }, 4),
      ]),
    ]);
    expectConsistentTimings(collected);
  });

  it('records only the duration, with error.type, for a failed call', async () => {
    emu.enqueue({ kind: 'error', status: 429 });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    await finishedSpans(exporter);
    const collected = await metrics.collect();
    expect(collected).toEqual([metric('gen_ai.client.operation.duration', 's', 'histogram', [seconds({ ...base(), 'error.type': '429' }, 1)])]);
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
      tokens({ ...attributes, 'gen_ai.token.type': 'input' }, 3, 7),
      tokens({ ...attributes, 'gen_ai.token.type': 'output' }, 4, 8),
    ]);
  });

  it('measures nothing once the instrumentation is disabled', async () => {
    instrumentation.disable();
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(await metrics.collect()).toEqual([]);
  });
});
