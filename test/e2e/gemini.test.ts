/**
 * An unmodified app using the real @google/genai SDK, started with `node --require .../register`
 * (the SDK's CommonJS build) or `node --import .../register` (its ES module build): every model request
 * gets exactly one span, with its whole attribute map, and the provenance store records each of them.
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

const MODEL = 'gemini-2.5-flash';
// gemini-2.5-flash in the built-in price table, USD per 1M tokens: input 0.30, output 2.50.
const cost = (input: number, output: number) => priceTableCost(input, output, { input: 0.3, output: 2.5 });

/** The whole attribute map of each call's span, in call order (n = the emulator's request number). */
function expectedSpans(run: AppRun) {
  const seen = appReports(run);
  const base = (model = MODEL, operation = 'generate_content') => ({
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': 'gcp.gemini',
    'gen_ai.request.model': model,
    ...plantedKeyCallAttributes(run),
  });
  const answered = (n: number, input: number, out: number, finished = true) => ({
    'gen_ai.response.id': `gemini-emu-${n}`,
    'gen_ai.response.model': MODEL,
    ...(finished ? { 'gen_ai.response.finish_reasons': ['STOP'] } : {}),
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': out,
    'gen_ai.usage.cost.amount': cost(input, out),
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  });
  const streamed = () => ({
    ...base(),
    'gen_ai.request.stream': true,
    'gen_ai.input.messages': userMessages('a b c'),
    'gen_ai.response.time_to_first_chunk': expect.any(Number),
  });
  const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
  return [
    {
      ...base(),
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('weather in Paris?'),
      'gen_ai.tool.definitions': JSON.stringify([
        { type: 'function', name: 'get_weather', description: 'Current weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } },
      ]),
      ...answered(1, 3, 2),
      'gen_ai.output.messages': output([{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }], 'tool_call'),
    },
    {
      ...base(),
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('rate limited'),
      'error.type': '429',
      'http.response.status_code': 429,
    },
    {
      ...streamed(),
      ...answered(3, 3, words(seen.cut.received), false),
      'gen_ai.output.messages': output(text(seen.cut.received), 'error'),
      'error.type': seen.cut.thrown,
    },
    {
      ...base(),
      'gen_ai.request.temperature': 0,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('Say hello to the provenance store'),
      'gen_ai.system_instructions': JSON.stringify(text('You are terse.')),
      ...answered(4, 9, 7),
      'gen_ai.output.messages': output(text('Echo: Say hello to the provenance store'), 'stop'),
    },
    { ...streamed(), ...answered(5, 3, 4), 'gen_ai.output.messages': output(text('Echo: a b c'), 'stop') },
    { ...streamed(), ...answered(6, 3, 1, false), 'gen_ai.output.messages': output(text('Echo:'), 'error') },
    {
      // Aborted before anything was read: no chunk, so no candidate and nothing else is known.
      ...base(),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userMessages('a b c'),
      'gen_ai.output.messages': '[]',
      'error.type': 'AbortError',
    },
    {
      ...base(),
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('hi there'),
      ...answered(8, 2, 3),
      'gen_ai.output.messages': output(text('Echo: hi there'), 'stop'),
    },
    {
      ...base('text-embedding-004', 'embeddings'),
      'gen_ai.input.messages': userMessages('embed me'),
      'gen_ai.embeddings.dimension.count': 8,
      // Gemini reports no token counts for embeddings.
      'provenance.usage.unknown': true,
    },
  ];
}

const MATRIX = tourMatrix('gemini');

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('exports one span per model request with the whole attribute map of each', async () => {
    const run = await runApp({
      module,
      app,
      env: { OTEL_SERVICE_NAME: `gemini-${module}` },
      scenarios: tourScenarios({ kind: 'error', status: 429, retryAfter: 1 }, 2),
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const seen = appReports(run);
    expect(seen.tool).toEqual({ functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
    expect(seen.error).toEqual({ thrown: 'ApiError', status: 429 });
    expect(seen.cut.thrown).not.toBeNull();
    expect(seen.plain).toEqual({ id: 'gemini-emu-4', text: 'Echo: Say hello to the provenance store' });
    expect(seen.stream).toEqual({ text: 'Echo: a b c' });
    expect(seen.break).toEqual({ text: 'Echo:' });
    expect(seen.abort).toEqual({ thrown: 'AbortError', text: '' });
    expect(seen.chat).toEqual({ text: 'Echo: hi there' });
    expect(seen.embed).toEqual({ dimensions: 8 });

    expect(run.spans.map((s) => `${s.scope.name} ${s.name}`)).toEqual([
      ...Array.from({ length: 8 }, () => `@llm-provenance/instrumentation-google-genai generate_content ${MODEL}`),
      '@llm-provenance/instrumentation-google-genai embeddings text-embedding-004',
    ]);
    await expectSpanAttributes(run, expectedSpans(run));
    expectProcessResource(run.spans[0]!, `gemini-${module}`);
  });
});
