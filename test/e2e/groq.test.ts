/**
 * An unmodified app using the real groq-sdk, started with `node --require .../register` (CommonJS build
 * of the SDK) or `node --import .../register` (its ES module build): every kind of call gets one span
 * with its whole attribute map, streamed usage included (Groq sends it in the last chunk's `x_groq`).
 */
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { emulatorPort, expectProcessResource, PLANTED_API_KEY, provenanceOf, runApp, type AppRun } from '../harness/index.js';

const MODEL = 'llama-3.3-70b-versatile';
// llama-3.3-70b-versatile in the built-in price table, USD per 1M tokens: input 0.59, output 0.79.
const cost = (input: number, output: number) => Math.round(((input * 0.59 + output * 0.79) / 1e6) * 1e12) / 1e12;
const text = (content: string) => [{ type: 'text', content }];
const userMessages = (content: string) => JSON.stringify([{ role: 'user', parts: text(content) }]);
const output = (parts: unknown[], finish: string) => JSON.stringify([{ role: 'assistant', parts, finish_reason: finish }]);

function observed(run: AppRun): Record<string, any> {
  const calls: Record<string, any> = {};
  for (const line of run.stdout.trim().split('\n')) {
    const { call, ...rest } = JSON.parse(line);
    calls[call] = rest;
  }
  return calls;
}

/** The whole attribute map of each call's span, in call order (n = the emulator's request number). */
function expectedSpans(run: AppRun): Record<string, unknown>[] {
  const seen = observed(run);
  const base = (n: number) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'groq',
    'gen_ai.request.model': MODEL,
    'server.address': '127.0.0.1',
    'server.port': emulatorPort(run),
    'provenance.credential.fingerprint': fingerprintCredential(PLANTED_API_KEY),
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

const MATRIX = [
  { module: 'cjs', app: 'fixtures/groq-tour.cjs' },
  { module: 'esm', app: 'fixtures/groq-tour.mjs' },
] as const;

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('exports one span per call with the whole attribute map of each', async () => {
    const run = await runApp({
      module,
      app,
      // Paced chunks: the abort call aborts while the rest of its body is still on the way. (Aborting
      // after the whole body is buffered can leave the SDK's read pending forever — seen with groq-sdk
      // and @anthropic-ai/sdk on Node 20 without any instrumentation — which would hang the app.)
      emulator: { chunkDelayMs: 20 },
      env: { OTEL_SERVICE_NAME: `groq-${module}` },
      scenarios: [
        { kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } },
        { kind: 'error', status: 429, retryAfter: 1 },
        { kind: 'stream_error_after', chunks: 3 },
      ],
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const seen = observed(run);
    expect(seen.tool.finish).toBe('tool_calls');
    expect(seen.error).toEqual({ thrown: 'RateLimitError', status: 429 });
    // Paced: the abort came before the finish chunk, so its span is an aborted one.
    expect(seen.abort).toEqual({ text: 'Echo:', finish: null, usage: null });
    expect(seen.stream).toEqual({ text: 'Echo: a b c', finish: 'stop', usage: expect.objectContaining({ prompt_tokens: 3, completion_tokens: 4 }) });

    expect(run.spans.map((s) => `${s.scope.name} ${s.name}`)).toEqual([
      ...Array.from({ length: 7 }, () => `@llm-provenance/instrumentation-groq chat ${MODEL}`),
      '@llm-provenance/instrumentation-groq embeddings nomic-embed-text-v1_5',
    ]);
    const expected = expectedSpans(run);
    for (const [i, span] of run.spans.entries()) {
      expect(span.kind).toBe('CLIENT');
      expect(span.attributes).toEqual({ ...expected[i], ...(await provenanceOf(run, i)) });
      expect(span.status.code).toBe(expected[i]!['error.type'] ? 2 : 0);
    }
    expectProcessResource(run.spans[0]!, `groq-${module}`);
  });
});
