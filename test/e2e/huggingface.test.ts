/**
 * An unmodified app using the real `@huggingface/inference` client against self-hosted TGI and TEI
 * servers, started with `node --require .../register` (its CommonJS build) or `node --import .../register`
 * (its ES module build): every call gets exactly one span with its whole attribute map, the provenance
 * store records each of them, and the planted token reaches neither.
 */
import { describe, expect, it } from 'vitest';
import { tei, tgi } from '@llm-provenance/provider-emulators';
import {
  allStoreBytes,
  appReports,
  type AppRun,
  expectProcessResource,
  expectSpanAttributes,
  PLANTED_API_KEY,
  plantedKeyCallAttributes,
  runApp,
  tourMatrix,
} from '../harness/index.js';
import { outputMessages as output, textParts as text, userMessages } from '../harness/index.js';

function expectedSpans(run: AppRun) {
  const seen = appReports(run);
  const chat = (stream: boolean) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'hf.tgi',
    'gen_ai.request.model': 'tgi',
    ...plantedKeyCallAttributes(run),
    'gen_ai.request.stream': stream,
  });
  const usage = (input: number, out: number) => ({
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': out,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
  });
  const response = (n: number) => ({ 'gen_ai.response.id': `chatcmpl-emu-${n}`, 'gen_ai.response.model': 'tgi' });
  return [
    { ...chat(false), 'gen_ai.input.messages': userMessages('who are you'), 'error.type': '429', 'http.response.status_code': 429 },
    {
      ...chat(true),
      'gen_ai.input.messages': userMessages('a b c'),
      ...response(2),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.output.messages': output(text(seen.cut.received), 'error'),
      'error.type': seen.cut.thrown,
    },
    {
      ...chat(false),
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0,
      'gen_ai.system_instructions': JSON.stringify(text('You are terse.')),
      'gen_ai.input.messages': userMessages('Say hello to the provenance store'),
      ...response(3),
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(9, 7),
      'gen_ai.output.messages': output(text('Echo: Say hello to the provenance store'), 'stop'),
    },
    {
      ...chat(true),
      'gen_ai.input.messages': userMessages('a b c'),
      ...response(4),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(3, 4),
      'gen_ai.output.messages': output(text('Echo: a b c'), 'stop'),
    },
    {
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'hf.tgi',
      'gen_ai.request.model': 'tgi',
      ...plantedKeyCallAttributes(run),
      'gen_ai.request.max_tokens': 20,
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('once upon a time'),
      // The SDK returns only the text; the `text_completion` it was made from gives the rest.
      'gen_ai.response.id': 'cmpl-emu-5',
      'gen_ai.response.model': 'tgi',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.output.messages': output(text('Echo: once upon a time'), 'stop'),
    },
    {
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'hf.tei',
      ...plantedKeyCallAttributes(run),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: text('embed me') },
        { role: 'user', parts: text('and me') },
      ]),
      'gen_ai.embeddings.dimension.count': 384,
      'provenance.usage.unknown': true,
    },
  ];
}

// The ES module app under --require too: the loader hook is then registered after the instrumentations,
// with the task files in its include list from the start.
const MATRIX = [...tourMatrix('huggingface'), { module: 'cjs', app: 'fixtures/huggingface-tour.mjs' } as const];

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('exports one span per call with the whole attribute map of each, and the token nowhere', async () => {
    const run = await runApp({
      module,
      app,
      env: { OTEL_SERVICE_NAME: `huggingface-${module}`, HF_TOKEN: PLANTED_API_KEY },
      emulator: { providers: [tgi, tei] },
      scenarios: [
        { kind: 'error', status: 429 },
        { kind: 'stream_error_after', chunks: 2 },
      ],
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const seen = appReports(run);
    expect(seen.error).toEqual({ thrown: 'ProviderApiError', status: 429 });
    expect(seen.cut).toEqual({ thrown: 'TypeError', received: 'Echo:' });
    expect(seen.plain).toEqual({ text: 'Echo: Say hello to the provenance store', usage: 7 });
    expect(seen.stream).toEqual({ text: 'Echo: a b c' });
    expect(seen.generate).toEqual({ text: 'Echo: once upon a time' });
    expect(seen.embed).toEqual({ count: 2, dimensions: 384 });
    expect(run.spans.map((s) => `${s.scope.name} ${s.name}`)).toEqual(
      ['chat tgi', 'chat tgi', 'chat tgi', 'chat tgi', 'text_completion tgi', 'embeddings'].map((n) => `@llm-provenance/instrumentation-huggingface ${n}`),
    );
    await expectSpanAttributes(run, expectedSpans(run));
    expectProcessResource(run.spans[0]!, `huggingface-${module}`);
    expect(run.otlpBytes.includes(Buffer.from(PLANTED_API_KEY))).toBe(false);
    expect(allStoreBytes(run.storeDir!).includes(Buffer.from(PLANTED_API_KEY))).toBe(false);
  });
});
