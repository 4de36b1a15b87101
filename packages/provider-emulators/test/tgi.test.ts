import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, tgi, TGI_MODEL_ID, type Emulator } from '@llm-provenance/provider-emulators';

// The real client, as the Hugging Face instrumentation package installs it.
const sdkRequire = createRequire(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../instrumentation-huggingface/package.json'));
const { InferenceClient } = sdkRequire('@huggingface/inference');

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ providers: [tgi], now: () => 1_700_000_000_000 });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const post = (p: string, body: unknown) =>
  fetch(`${emu.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const token = (i: number, text: string) => ({ id: 1000 + i, text, logprob: -0.25, special: false });

describe('tgi emulator: native routes', () => {
  it('answers /generate with the text, and the details when asked for', async () => {
    const res = await post('/generate', { inputs: 'hello there', parameters: { details: true, max_new_tokens: 2, seed: 5 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-generated-tokens')).toBe('2');
    expect(await res.json()).toEqual({
      generated_text: 'Echo: hello',
      details: { finish_reason: 'length', generated_tokens: 2, seed: 5, prefill: [], tokens: [token(0, 'Echo:'), token(1, ' hello')] },
    });
    expect(await (await post('/generate', { inputs: 'hi' })).json()).toEqual({ generated_text: 'Echo: hi' });
  });

  it('streams /generate_stream one token per data: event, the last with generated_text and details', async () => {
    const res = await post('/generate_stream', { inputs: 'a b', parameters: { details: true } });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const event = (i: number, text: string, last: boolean) =>
      `data: ${JSON.stringify({
        index: i + 1,
        token: token(i, text),
        top_tokens: null,
        generated_text: last ? 'Echo: a b' : null,
        details: last ? { finish_reason: 'eos_token', generated_tokens: 3, input_length: 2, seed: null } : null,
      })}\n\n`;
    expect(await res.text()).toBe(event(0, 'Echo:', false) + event(1, ' a', false) + event(2, ' b', true));
  });

  it('serves / as the compatibility route: an array, or a stream with `stream: true`', async () => {
    expect(await (await post('/', { inputs: 'x' })).json()).toEqual([{ generated_text: 'Echo: x' }]);
    const streamed = await (await post('/', { inputs: 'x', stream: true })).text();
    expect(streamed.split('\n\n').filter(Boolean)).toHaveLength(2);
  });

  it('reports /info', async () => {
    const info = await (await fetch(`${emu.url}/info`)).json();
    expect(info).toMatchObject({ model_id: TGI_MODEL_ID, router: 'text-generation-router', version: '3.3.6', max_total_tokens: 4096 });
  });

  it('answers validation errors, scenarios and cut streams in TGI shape', async () => {
    const missing = await post('/generate', { parameters: {} });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({
      error: 'Failed to deserialize the JSON body into the target type: missing field `inputs`',
      error_type: 'validation',
    });
    expect(await (await post('/generate', { inputs: '' })).json()).toEqual({
      error: 'Input validation error: `inputs` cannot be empty',
      error_type: 'validation',
    });
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 2 }, { kind: 'error', status: 500 }, { kind: 'stream_error_after', chunks: 1 });
    const overloaded = await post('/generate', { inputs: 'x' });
    expect([overloaded.status, overloaded.headers.get('retry-after'), await overloaded.json()]).toEqual([
      429,
      '2',
      { error: 'Model is overloaded', error_type: 'overloaded' },
    ]);
    const failed = await post('/generate', { inputs: 'x' });
    expect([failed.status, (await failed.json()).error_type]).toEqual([500, 'incomplete_generation']);
    const cut = await post('/generate_stream', { inputs: 'a b c' });
    await expect(cut.text()).rejects.toThrow();
  });
});

describe('tgi emulator: the Messages API through @huggingface/inference', () => {
  it('answers chatCompletion and streams chatCompletionStream with the usage chunk', async () => {
    const client = new InferenceClient('hf_test').endpoint(emu.url);
    const out = await client.chatCompletion({ model: 'tgi', messages: [{ role: 'user', content: 'hi' }] });
    expect(out).toMatchObject({ object: 'chat.completion', system_fingerprint: '3.3.6-native', choices: [{ message: { content: 'Echo: hi' } }] });
    const chunks: any[] = [];
    for await (const chunk of client.chatCompletionStream({
      model: 'tgi',
      messages: [{ role: 'user', content: 'hi' }],
      stream_options: { include_usage: true },
    })) {
      chunks.push(chunk);
    }
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
    expect(emu.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v1/chat/completions', 'Bearer hf_test'],
      ['/v1/chat/completions', 'Bearer hf_test'],
    ]);
  });

  it('answers textGeneration through /v1/completions', async () => {
    const client = new InferenceClient('hf_test', { endpointUrl: emu.url });
    expect(await client.textGeneration({ inputs: 'a b', parameters: { max_new_tokens: 2 } })).toEqual({ generated_text: 'Echo: a' });
    expect(emu.requests[0]).toMatchObject({ path: '/v1/completions', body: { prompt: 'a b', max_tokens: 2 } });
  });

  it('renders a Messages API error in TGI shape, which the SDK reports', async () => {
    emu.enqueue({ kind: 'error', status: 424, message: 'Request failed during generation: CUDA out of memory' });
    const client = new InferenceClient('hf_test').endpoint(emu.url);
    await expect(client.chatCompletion({ model: 'tgi', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow('CUDA out of memory');
  });
});
