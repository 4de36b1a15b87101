/**
 * An unmodified app using the real @anthropic-ai/sdk, started with `node --require .../register`
 * (CommonJS build of the SDK) or `node --import .../register` (its ES module build): every kind of call
 * gets exactly one span, ours, with its whole attribute map — although register installs a global
 * tracer provider, which would make SDK >= 0.134 emit spans of its own.
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

const MODEL = 'claude-sonnet-4';
// claude-sonnet-4 in the built-in price table, USD per 1M tokens: input 3, output 15.
const cost = (input: number, output: number) => priceTableCost(input, output, { input: 3, output: 15 });

/** The whole attribute map of each call's span, in call order (n = the emulator's request number). */
function expectedSpans(run: AppRun): Record<string, unknown>[] {
  const seen = appReports(run);
  const base = (n: number) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': MODEL,
    ...plantedKeyCallAttributes(run),
    'provenance.provider.request_id': `req_emu_${n}`,
  });
  const answered = (n: number, input: number, out: number) => ({
    'gen_ai.response.id': `msg_emu_${n}`,
    'gen_ai.response.model': MODEL,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': out,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.cache_creation.input_tokens': 0,
    'gen_ai.usage.cost.amount': cost(input, out),
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  });
  const streamed = (n: number) => ({
    ...base(n),
    'gen_ai.request.max_tokens': 100,
    'gen_ai.request.stream': true,
    'gen_ai.input.messages': userMessages('a b c'),
    'gen_ai.response.time_to_first_chunk': expect.any(Number),
  });
  const abortFinished = seen.abort.output_tokens === 4;
  return [
    {
      ...base(1),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.tool.definitions': JSON.stringify([
        { type: 'function', name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      ]),
      'gen_ai.input.messages': userMessages('weather in Paris?'),
      ...answered(1, 3, 2),
      'gen_ai.response.finish_reasons': ['tool_use'],
      'gen_ai.output.messages': output([{ type: 'tool_call', id: 'toolu_emu_1', name: 'get_weather', arguments: { city: 'Paris' } }], 'tool_call'),
    },
    {
      ...base(2),
      'gen_ai.request.max_tokens': 10,
      'gen_ai.input.messages': userMessages('rate limited'),
      'error.type': '429',
      'http.response.status_code': 429,
    },
    {
      ...streamed(3),
      ...answered(3, 3, 1),
      'gen_ai.output.messages': output(seen.cut.received ? text(seen.cut.received) : text(''), 'error'),
      'error.type': seen.cut.thrown,
    },
    {
      ...base(4),
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0,
      'gen_ai.system_instructions': JSON.stringify(text('You are terse.')),
      'gen_ai.input.messages': userMessages('Say hello to the provenance store'),
      ...answered(4, 9, 7),
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.output.messages': output(text('Echo: Say hello to the provenance store'), 'stop'),
    },
    {
      ...streamed(5),
      ...answered(5, 3, 4),
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.output.messages': output(text('Echo: a b c'), 'stop'),
    },
    {
      ...streamed(6),
      ...answered(6, 3, 1),
      'gen_ai.output.messages': output(text('Echo:'), 'error'),
    },
    {
      // What arrived before the abort depends on how much the client had buffered: the app reports it.
      ...streamed(7),
      ...answered(7, 3, seen.abort.output_tokens),
      ...(abortFinished ? { 'gen_ai.response.finish_reasons': ['end_turn'] } : {}),
      'gen_ai.output.messages': output(text(seen.abort.text), abortFinished ? 'stop' : 'error'),
      // An abort that came after the final message_delta cut nothing off: not an error.
      ...(abortFinished ? {} : { 'error.type': 'APIUserAbortError' }),
    },
    {
      ...base(8),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userMessages('stream helper'),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      ...answered(8, 2, 3),
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.output.messages': output(text('Echo: stream helper'), 'stop'),
    },
    {
      ...base(9),
      'gen_ai.operation.name': 'count_tokens',
      'gen_ai.input.messages': userMessages('count these words'),
      'gen_ai.usage.input_tokens': 3,
    },
  ];
}

const MATRIX = tourMatrix('anthropic');

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('exports one span per call, ours only, with the whole attribute map of each', async () => {
    const run = await runApp({
      module,
      app,
      env: { OTEL_SERVICE_NAME: `anthropic-${module}` },
      scenarios: tourScenarios({ kind: 'error', status: 429, retryAfter: 1 }, 4),
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const seen = appReports(run);
    expect(seen.tool).toEqual({ stop_reason: 'tool_use', content: [{ type: 'tool_use', id: 'toolu_emu_1', name: 'get_weather', input: { city: 'Paris' } }] });
    expect(seen.error).toEqual({ thrown: 'RateLimitError', status: 429 });
    expect(seen.helper).toEqual({ id: 'msg_emu_8', text: 'Echo: stream helper', isMessageStream: true });
    expect(seen.count).toEqual({ input_tokens: 3 });
    // Held (the app's abort call asks the emulator to hold its stream): the abort came before the final message_delta, so its span is an aborted one.
    expect(seen.abort).toEqual({ text: 'Echo:', output_tokens: 1 });

    // Nine calls, nine spans, all from this instrumentation: the SDK's own spans stay off.
    expect(run.spans.map((s) => `${s.scope.name} ${s.name}`)).toEqual([
      ...Array.from({ length: 8 }, () => `@llm-provenance/instrumentation-anthropic chat ${MODEL}`),
      `@llm-provenance/instrumentation-anthropic count_tokens ${MODEL}`,
    ]);
    await expectSpanAttributes(run, expectedSpans(run));
    expectProcessResource(run.spans[0]!, `anthropic-${module}`);
  });
});
