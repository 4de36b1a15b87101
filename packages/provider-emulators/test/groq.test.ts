import Groq from 'groq-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@llm-provenance/provider-emulators';

let emu: Emulator;
let client: Groq;
const NOW = 1_700_000_000_000;
const MODEL = 'llama-3.3-70b-versatile';

beforeAll(async () => {
  emu = await startEmulator({ now: () => NOW });
  client = new Groq({ baseURL: emu.url, apiKey: 'gsk-test', maxRetries: 0 });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

/** Groq's usage with the emulator's fixed timings (prompt/completion time = tokens / 1000 s). */
function usage(prompt: number, completion: number, cached = 0, reasoning = 0) {
  return {
    queue_time: 0.001,
    prompt_time: prompt / 1000,
    completion_time: (completion + reasoning) / 1000,
    total_time: prompt / 1000 + (completion + reasoning) / 1000,
    prompt_tokens: prompt,
    completion_tokens: completion + reasoning,
    total_tokens: prompt + completion + reasoning,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

describe('groq emulator: POST /openai/v1/chat/completions', () => {
  it('answers with a chat.completion carrying Groq usage timings and x_groq.id', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: MODEL,
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hello there' },
        ],
      })
      .withResponse();
    expect(data).toEqual({
      id: 'chatcmpl-emu-1',
      object: 'chat.completion',
      created: NOW / 1000,
      model: MODEL,
      system_fingerprint: 'fp_emu_groq',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: hello there' }, logprobs: null, finish_reason: 'stop' }],
      usage: usage(4, 3),
      x_groq: { id: 'req_emu_1' },
    });
    expect(response.headers.get('x-request-id')).toBe('req_emu_1');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('14399');
    expect(emu.requests[0]).toMatchObject({ method: 'POST', path: '/openai/v1/chat/completions' });
    expect(emu.requests[0].headers.authorization).toBe('Bearer gsk-test');
  });

  it('answers a tool_call scenario with tool_calls and finish_reason tool_calls', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const data = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'weather?' }] });
    expect(data.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', tool_calls: [{ id: 'call_emu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('reports cached prompt tokens and reasoning tokens in the usage details', async () => {
    emu.enqueue({ kind: 'cache', read: 1 }, { kind: 'reasoning', tokens: 4 });
    expect((await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'a b' }] })).usage).toEqual(usage(2, 3, 1));
    expect((await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'a b' }] })).usage).toEqual(usage(2, 3, 0, 4));
  });

  it('returns parsed reasoning in message.reasoning and as reasoning deltas for reasoning_format parsed', async () => {
    emu.enqueue({ kind: 'reasoning', tokens: 2 }, { kind: 'reasoning', tokens: 2 });
    const params = { model: 'openai/gpt-oss-20b', reasoning_format: 'parsed' as const, messages: [{ role: 'user' as const, content: 'q' }] };
    const data = await client.chat.completions.create(params);
    expect(data.choices[0].message).toEqual({ role: 'assistant', content: 'Echo: q', reasoning: 'step1 step2' });
    const deltas: unknown[] = [];
    for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) deltas.push(chunk.choices[0].delta);
    expect(deltas).toEqual([{ role: 'assistant', content: '' }, { reasoning: 'step1' }, { reasoning: ' step2' }, { content: 'Echo:' }, { content: ' q' }, {}]);
  });

  it('truncates at max_tokens with finish_reason length', async () => {
    const data = await client.chat.completions.create({ model: MODEL, max_tokens: 2, messages: [{ role: 'user', content: 'a b c' }] });
    expect(data.choices[0]).toMatchObject({ message: { content: 'Echo: a' }, finish_reason: 'length' });
    expect(data.usage?.completion_tokens).toBe(2);
  });
});

describe('groq emulator: streaming', () => {
  it('streams one delta per word and puts usage in the last chunk x_groq.usage', async () => {
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi you' }] });
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const head = { id: 'chatcmpl-emu-1', object: 'chat.completion.chunk', created: NOW / 1000, model: MODEL, system_fingerprint: 'fp_emu_groq' };
    const choice = (delta: unknown, finish_reason: string | null = null) => [{ index: 0, delta, logprobs: null, finish_reason }];
    expect(chunks).toEqual([
      { ...head, choices: choice({ role: 'assistant', content: '' }), x_groq: { id: 'req_emu_1' } },
      { ...head, choices: choice({ content: 'Echo:' }) },
      { ...head, choices: choice({ content: ' hi' }) },
      { ...head, choices: choice({ content: ' you' }) },
      { ...head, choices: choice({}, 'stop'), x_groq: { id: 'req_emu_1', usage: usage(2, 3) } },
    ]);
  });

  it('streams a tool call whole in one delta', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'f', arguments: { a: 1 } });
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'x' }] });
    const deltas: unknown[] = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0].delta);
    expect(deltas).toEqual([
      { role: 'assistant', content: null },
      { tool_calls: [{ index: 0, id: 'call_emu_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      {},
    ]);
  });

  it('leaves usage out of x_groq for no_usage and cuts the stream for stream_error_after', async () => {
    emu.enqueue({ kind: 'no_usage' });
    const chunks = [];
    for await (const chunk of await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'x' }] })) {
      chunks.push(chunk);
    }
    expect(chunks.at(-1)?.x_groq).toEqual({ id: 'req_emu_1' });

    emu.enqueue({ kind: 'stream_error_after', chunks: 2 });
    const seen: unknown[] = [];
    const stream = await client.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'a b c' }] });
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0].delta);
      })(),
    ).rejects.toThrow();
    expect(seen).toEqual([{ role: 'assistant', content: '' }, { content: 'Echo:' }]);
  });
});

describe('groq emulator: embeddings, errors', () => {
  it('serves embeddings under /openai/v1/embeddings', async () => {
    const res = await client.embeddings.create({ model: 'nomic-embed-text-v1_5', input: ['a b', 'c'] });
    expect(res.data.map((d) => d.index)).toEqual([0, 1]);
    expect(res.model).toBe('nomic-embed-text-v1_5');
    expect(emu.requests[0].path).toBe('/openai/v1/embeddings');
  });

  it('renders errors in the OpenAI-style shape Groq uses, with retry-after on 429', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 3, message: 'Rate limit reached' });
    const err = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Groq.RateLimitError);
    expect(err.error).toEqual({ error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    expect(err.headers['retry-after'] ?? err.headers.get?.('retry-after')).toBe('3');
  });

  it('rejects n > 1 as Groq does, and answers unknown /openai/v1 paths with 404', async () => {
    const err = await client.chat.completions.create({ model: MODEL, n: 2, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.error.param).toBe('n');
    const res = await fetch(`${emu.url}/openai/v1/nope`, { headers: { authorization: 'Bearer k' } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.type).toBe('invalid_request_error');
  });
});
