/**
 * An unmodified app on the legacy @google/generative-ai SDK, under `node --require .../register` (its
 * CommonJS build) and `node --import .../register` (its ES module build): one span per call with the
 * whole attribute map, recorded in the provenance store.
 */
import { describe, expect, it } from 'vitest';
import { type AppRun, expectProcessResource, expectSpanAttributes, plantedKeyCallAttributes, runApp, tourMatrix } from '../harness/index.js';
import { outputMessages, priceTableCost, textParts as text } from '../harness/index.js';

const MODEL = 'gemini-1.5-flash';
// gemini-1.5-flash in the built-in price table, USD per 1M tokens: input 0.075, output 0.30.
const cost = (input: number, output: number) => priceTableCost(input, output, { input: 0.075, output: 0.3 });
const output = (reply: string) => outputMessages(text(reply), 'stop');

function expectedSpans(run: AppRun) {
  const base = (stream: boolean, messages: unknown[]) => ({
    'gen_ai.operation.name': 'generate_content',
    'gen_ai.provider.name': 'gcp.gemini',
    'gen_ai.request.model': MODEL,
    ...plantedKeyCallAttributes(run),
    'gen_ai.request.stream': stream,
    'gen_ai.input.messages': JSON.stringify(messages),
    'gen_ai.system_instructions': JSON.stringify(text('You are terse.')),
  });
  const usage = (input: number, out: number) => ({
    'gen_ai.response.finish_reasons': ['STOP'],
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': out,
    'gen_ai.usage.cost.amount': cost(input, out),
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  });
  const user = (content: string) => ({ role: 'user', parts: text(content) });
  return [
    {
      ...base(false, [user('Say hello to the provenance store')]),
      'gen_ai.response.id': 'gemini-emu-1',
      'gen_ai.response.model': MODEL,
      ...usage(9, 7),
      'gen_ai.output.messages': output('Echo: Say hello to the provenance store'),
    },
    { ...base(false, [user('rate limited')]), 'error.type': '429', 'http.response.status_code': 429 },
    // The SDK's aggregated stream response has no responseId / modelVersion.
    { ...base(true, [user('a b c')]), ...usage(6, 4), 'gen_ai.output.messages': output('Echo: a b c') },
    {
      ...base(false, [user('hi there')]),
      'gen_ai.response.id': 'gemini-emu-4',
      'gen_ai.response.model': MODEL,
      ...usage(5, 3),
      'gen_ai.output.messages': output('Echo: hi there'),
    },
  ];
}

const MATRIX = tourMatrix('gemini-legacy');

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('exports one span per call with the whole attribute map of each', async () => {
    const run = await runApp({
      module,
      app,
      env: { OTEL_SERVICE_NAME: `gemini-legacy-${module}` },
      scenarios: [
        { kind: 'text', text: 'Echo: Say hello to the provenance store' },
        { kind: 'error', status: 429 },
      ],
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { call: 'plain', text: 'Echo: Say hello to the provenance store' },
      { call: 'error', thrown: 'GoogleGenerativeAIFetchError', status: 429 },
      { call: 'stream', text: 'Echo: a b c', aggregated: 'Echo: a b c' },
      { call: 'chat', text: 'Echo: hi there' },
    ]);
    expect(run.spans.map((s) => `${s.scope.name} ${s.name}`)).toEqual(
      Array.from({ length: 4 }, () => `@llm-provenance/instrumentation-google-genai generate_content ${MODEL}`),
    );
    await expectSpanAttributes(run, expectedSpans(run));
    expectProcessResource(run.spans[0]!, `gemini-legacy-${module}`);
  });
});
