/**
 * An unmodified app using the real `ollama` client, started with `node --require .../register` (its
 * CommonJS build) or `node --import .../register` (its ES module build): every call — on
 * `new Ollama({ host })` and on the default export instance — gets exactly one span with its whole
 * attribute map, and the provenance store records each of them.
 */
import { describe, expect, it } from 'vitest';
import {
  appReports,
  type AppRun,
  emulatorServerAttributes,
  expectProcessResource,
  expectSpanAttributes,
  runApp,
  tourMatrix,
  tourScenarios,
} from '../harness/index.js';
import { outputMessages as output, textParts as text, userMessages } from '../harness/index.js';

const MODEL = 'llama3.2';
// Local models cost 0 (built-in price table: ollama '*').
const ZERO_COST = { 'gen_ai.usage.cost.amount': 0, 'gen_ai.usage.cost.currency': 'USD', 'gen_ai.usage.cost.source': 'price_table' };
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** The emulator's durations (ns): load 1 ms, 1 ms per prompt token, 2 ms per generated token. */
function usage(input: number, out: number) {
  return {
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': out,
    'ollama.response.total_duration': 1_000_000 + input * 1_000_000 + out * 2_000_000,
    'ollama.response.load_duration': 1_000_000,
    'ollama.response.prompt_eval_duration': input * 1_000_000,
    'ollama.response.eval_duration': out * 2_000_000,
    ...ZERO_COST,
  };
}

function expectedSpans(run: AppRun) {
  const seen = appReports(run);
  const base = (operation = 'chat', model = MODEL) => ({
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': 'ollama',
    'gen_ai.request.model': model,
    ...emulatorServerAttributes(run),
  });
  const streamedChat = () => ({
    ...base(),
    'gen_ai.request.stream': true,
    'gen_ai.input.messages': userMessages('a b c'),
    'gen_ai.response.model': MODEL,
    'gen_ai.response.time_to_first_chunk': expect.any(Number),
  });
  const abortComplete = seen.abort.thrown === null;
  return [
    {
      ...base(),
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('weather in Paris?'),
      'gen_ai.tool.definitions': JSON.stringify([
        { type: 'function', name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      ]),
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(3, 2),
      'gen_ai.output.messages': output([{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }], 'tool_call'),
    },
    {
      ...base('chat', 'missing-model'),
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('who are you'),
      'error.type': '404',
      'http.response.status_code': 404,
    },
    {
      ...streamedChat(),
      'gen_ai.output.messages': output(text(seen.cut.received), 'error'),
      'error.type': seen.cut.thrown,
    },
    {
      // The default export instance (`import ollama from 'ollama'`).
      ...base(),
      'gen_ai.request.temperature': 0,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'system', parts: text('You are terse.') },
        { role: 'user', parts: text('Say hello to the provenance store') },
      ]),
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(9, 7),
      'gen_ai.output.messages': output(text('Echo: Say hello to the provenance store'), 'stop'),
    },
    {
      ...base('text_completion'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userMessages('a b c'),
      'gen_ai.response.model': MODEL,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(3, 4),
      'gen_ai.output.messages': output(text('Echo: a b c'), 'stop'),
    },
    { ...streamedChat(), 'gen_ai.output.messages': output(text('Echo:'), 'error') },
    {
      // abort() after the first chunk: the rest may already be buffered (then the SDK hands it all over
      // and the call completed) or the next read fails with AbortError. The app reports which.
      ...streamedChat(),
      ...(abortComplete ? { 'gen_ai.response.finish_reasons': ['stop'], ...usage(3, 4) } : { 'error.type': 'AbortError' }),
      'gen_ai.output.messages': output(text(seen.abort.text), abortComplete ? 'stop' : 'error'),
    },
    {
      ...base('embeddings', 'nomic-embed-text'),
      'gen_ai.input.messages': userMessages('embed me'),
      'gen_ai.response.model': 'nomic-embed-text',
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.embeddings.dimension.count': 8,
      'ollama.response.total_duration': 3_000_000,
      'ollama.response.load_duration': 1_000_000,
      ...ZERO_COST,
    },
  ];
}

const MATRIX = tourMatrix('ollama');

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('exports one span per call with the whole attribute map of each', async () => {
    const run = await runApp({
      module,
      app,
      env: { OTEL_SERVICE_NAME: `ollama-${module}` },
      scenarios: tourScenarios({ kind: 'error', status: 404, message: 'model "missing-model" not found, try pulling it first' }, 2),
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const seen = appReports(run);
    expect(seen.tool).toEqual({ tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] });
    expect(seen.error).toEqual({ thrown: 'ResponseError', status: 404 });
    expect(seen.cut).toEqual({ thrown: 'TypeError', received: 'Echo: a' });
    expect(seen.plain).toEqual({ text: 'Echo: Say hello to the provenance store', eval_count: 7 });
    expect(seen.stream).toEqual({ text: 'Echo: a b c' });
    expect(seen.break).toEqual({ text: 'Echo:' });
    expect(words(seen.abort.text)).toBeGreaterThan(0);
    expect(seen.embed).toEqual({ dimensions: 8 });

    const names = [1, 2, 3, 4].map(() => `chat ${MODEL}`);
    names[1] = 'chat missing-model';
    expect(run.spans.map((s) => `${s.scope.name} ${s.name}`)).toEqual(
      [...names, `text_completion ${MODEL}`, `chat ${MODEL}`, `chat ${MODEL}`, 'embeddings nomic-embed-text'].map(
        (n) => `@llm-provenance/instrumentation-ollama ${n}`,
      ),
    );
    await expectSpanAttributes(run, expectedSpans(run));
    expectProcessResource(run.spans[0]!, `ollama-${module}`);
  });
});
