/**
 * An unmodified app using the real groq-sdk, started with `node --require .../register` (CommonJS build
 * of the SDK) or `node --import .../register` (its ES module build): every kind of call gets one span
 * with its whole attribute map, streamed usage included (Groq sends it in the last chunk's `x_groq`).
 */
import { describe, expect, it } from 'vitest';
import {
  appReports,
  type AppRun,
  expectProcessResource,
  expectSpanAttributes,
  plantedKeyCallAttributes,
  runApp,
  tourMatrix,
  tourScenarios,
} from '../harness/index.js';
import { outputMessages as output, priceTableCost, textParts as text, userMessages } from '../harness/index.js';

const MODEL = 'llama-3.3-70b-versatile';
// llama-3.3-70b-versatile in the built-in price table, USD per 1M tokens: input 0.59, output 0.79.
const cost = (input: number, output: number) => priceTableCost(input, output, { input: 0.59, output: 0.79 });

/** The whole attribute map of each call's span, in call order (n = the emulator's request number). */
function expectedSpans(run: AppRun): Record<string, unknown>[] {
  const seen = appReports(run);
  const base = (n: number) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'groq',
    'gen_ai.request.model': MODEL,
    ...plantedKeyCallAttributes(run),
    'provenance.provider.request_id': `req_emu_${n}`,
  });
  const answered = (n: number) => ({ 'gen_ai.response.id': `chatcmpl-emu-${n}`, 'gen_ai.response.model': MODEL });
  const usage = (input: number, out: number) => ({
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': out,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'gen_ai.usage.cost.amount': cost(input, out),
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  });
  const streamed = (n: number) => ({
    ...base(n),
    ...answered(n),
    'gen_ai.request.stream': true,
    'gen_ai.input.messages': userMessages('a b c'),
    'gen_ai.response.time_to_first_chunk': expect.any(Number),
  });
  const textParts = (t: string) => (t ? text(t) : []);
  return [
    {
      ...base(1),
      'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', description: 'Current weather', parameters: { type: 'object' } }]),
      'gen_ai.input.messages': userMessages('weather in Paris?'),
      ...answered(1),
      ...usage(3, 2),
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.output.messages': output([{ type: 'tool_call', id: 'call_emu_1', name: 'get_weather', arguments: { city: 'Paris' } }], 'tool_call'),
    },
    {
      ...base(2),
      'gen_ai.input.messages': userMessages('rate limited'),
      'error.type': '429',
      'http.response.status_code': 429,
    },
    {
      ...streamed(3),
      'gen_ai.output.messages': output(textParts(seen.cut.received), 'error'),
      'error.type': seen.cut.thrown,
    },
    {
      ...base(4),
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0,
      'gen_ai.system_instructions': JSON.stringify(text('You are terse.')),
      'gen_ai.input.messages': userMessages('Say hello to the provenance store'),
      ...answered(4),
      ...usage(9, 7),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.output.messages': output(text('Echo: Say hello to the provenance store'), 'stop'),
    },
    {
      ...streamed(5),
      ...usage(3, 4),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.output.messages': output(text('Echo: a b c'), 'stop'),
    },
    {
      ...streamed(6),
      'gen_ai.output.messages': output(text('Echo:'), 'error'),
    },
    {
      // What arrived before the abort depends on how much the client had buffered: the app reports it.
      ...streamed(7),
      ...(seen.abort.usage ? usage(3, 4) : {}),
      ...(seen.abort.finish ? { 'gen_ai.response.finish_reasons': [seen.abort.finish] } : {}),
      'gen_ai.output.messages': output(textParts(seen.abort.text), seen.abort.finish ?? 'error'),
      // An abort that came after the chunk with finish_reason cut nothing off: not an error.
      ...(seen.abort.finish ? {} : { 'error.type': 'APIUserAbortError' }),
    },
    {
      ...base(8),
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'nomic-embed-text-v1_5',
      'gen_ai.input.messages': userMessages('embed me'),
      'gen_ai.response.model': 'nomic-embed-text-v1_5',
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.embeddings.dimension.count': seen.embeddings.dimensions,
    },
  ];
}

const MATRIX = tourMatrix('groq');

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('exports one span per call with the whole attribute map of each', async () => {
    const run = await runApp({
      module,
      app,
      env: { OTEL_SERVICE_NAME: `groq-${module}` },
      scenarios: tourScenarios({ kind: 'error', status: 429, retryAfter: 1 }, 3),
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const seen = appReports(run);
    expect(seen.tool.finish).toBe('tool_calls');
    expect(seen.error).toEqual({ thrown: 'RateLimitError', status: 429 });
    // Held (the app's abort call asks the emulator to hold its stream): the abort came before the finish chunk, so its span is an aborted one.
    expect(seen.abort).toEqual({ text: 'Echo:', finish: null, usage: null });
    expect(seen.stream).toEqual({ text: 'Echo: a b c', finish: 'stop', usage: expect.objectContaining({ prompt_tokens: 3, completion_tokens: 4 }) });

    expect(run.spans.map((s) => `${s.scope.name} ${s.name}`)).toEqual([
      ...Array.from({ length: 7 }, () => `@llm-provenance/instrumentation-groq chat ${MODEL}`),
      '@llm-provenance/instrumentation-groq embeddings nomic-embed-text-v1_5',
    ]);
    await expectSpanAttributes(run, expectedSpans(run));
    expectProcessResource(run.spans[0]!, `groq-${module}`);
  });
});
