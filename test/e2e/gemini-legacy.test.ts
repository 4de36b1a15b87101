/**
 * An unmodified app on the legacy @google/generative-ai SDK, under `node --require .../register` (its
 * CommonJS build) and `node --import .../register` (its ES module build): one span per call with the
 * whole attribute map, recorded in the provenance store.
 */
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { emulatorPort, expectProcessResource, PLANTED_API_KEY, provenanceOf, runApp, type AppRun } from '../harness/index.js';

const MODEL = 'gemini-1.5-flash';
// gemini-1.5-flash in the built-in price table, USD per 1M tokens: input 0.075, output 0.30.
const cost = (input: number, output: number) => Math.round(((input * 0.075 + output * 0.3) / 1e6) * 1e12) / 1e12;
const text = (content: string) => [{ type: 'text', content }];
const output = (reply: string) => JSON.stringify([{ role: 'assistant', parts: text(reply), finish_reason: 'stop' }]);

function expectedSpans(run: AppRun) {
  const base = (stream: boolean, messages: unknown[]) => ({
    'gen_ai.operation.name': 'generate_content',
    'gen_ai.provider.name': 'gcp.gemini',
    'gen_ai.request.model': MODEL,
    'server.address': '127.0.0.1',
    'server.port': emulatorPort(run),
    'provenance.credential.fingerprint': fingerprintCredential(PLANTED_API_KEY),
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

const MATRIX = [
  { module: 'cjs', app: 'fixtures/gemini-legacy-tour.cjs' },
  { module: 'esm', app: 'fixtures/gemini-legacy-tour.mjs' },
] as const;

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('exports one span per call with the whole attribute map of each', async () => {
    const run = await runApp({ module, app, env: { OTEL_SERVICE_NAME: `gemini-legacy-${module}` }, scenarios: [{ kind: 'text', text: 'Echo: Say hello to the provenance store' }, { kind: 'error', status: 429 }] });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { call: 'plain', text: 'Echo: Say hello to the provenance store' },
      { call: 'error', thrown: 'GoogleGenerativeAIFetchError', status: 429 },
      { call: 'stream', text: 'Echo: a b c', aggregated: 'Echo: a b c' },
      { call: 'chat', text: 'Echo: hi there' },
    ]);
    expect(run.spans.map((s) => `${s.scope.name} ${s.name}`)).toEqual(Array.from({ length: 4 }, () => `@llm-provenance/instrumentation-google-genai generate_content ${MODEL}`));
    const expected = expectedSpans(run);
    for (const [i, span] of run.spans.entries()) {
      expect(span.kind).toBe('CLIENT');
      expect(span.status.code).toBe(expected[i]!['error.type'] ? 2 : 0);
      expect(span.attributes).toEqual({ ...expected[i], ...(await provenanceOf(run, i)) });
    }
    expectProcessResource(run.spans[0]!, `gemini-legacy-${module}`);
  });
});
