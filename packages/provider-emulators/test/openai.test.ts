import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddingFor, startEmulator, type Emulator } from '@llm-provenance/provider-emulators';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const loadCompat = (major: number) => createRequire(path.join(repoRoot, `test/compat/openai-${major}/package.json`))('openai') as typeof OpenAI;
const nodeMajor = Number(process.versions.node.split('.')[0]);

// A fixed clock makes every `created` field predictable, so whole bodies can be compared.
const NOW_MS = 1_750_000_000_123;
const CREATED = 1_750_000_000;

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ now: () => NOW_MS });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

function client(Sdk: typeof OpenAI = OpenAI, opts: Record<string, unknown> = {}): OpenAI {
  return new Sdk({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0, ...opts });
}

/** Response headers are a Headers object in openai >= 5 and a plain record in openai 4. */
function header(headers: unknown, name: string): string | null | undefined {
  const h = headers as { get?: (n: string) => string | null } & Record<string, string>;
  return typeof h.get === 'function' ? h.get(name) : h[name];
}

const USAGE_ZERO_DETAILS = {
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

describe('chat completions', () => {
  it('answers with an echo of the last user message and word-count usage', async () => {
    const { data, response } = await client()
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello world' },
        ],
      })
      .withResponse();
    expect(data).toEqual({
      id: 'chatcmpl-emu-1',
      object: 'chat.completion',
      created: CREATED,
      model: 'gpt-4o-mini',
      service_tier: 'default',
      system_fingerprint: 'fp_emu',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Echo: Say hello world', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 6, completion_tokens: 4, total_tokens: 10, ...USAGE_ZERO_DETAILS },
    });
    expect((data as { _request_id?: string })._request_id).toBe('req_emu_1');
    expect(response.headers.get('x-request-id')).toBe('req_emu_1');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9999');
    expect(emu.requests).toHaveLength(1);
    expect(emu.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      query: {},
      body: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello world' },
        ],
      },
    });
    expect(emu.requests[0].headers.authorization).toBe('Bearer sk-test');
  });

  it('counts ids and request ids per request and restarts them after reset()', async () => {
    const c = client();
    const ask = () => c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect((await ask()).id).toBe('chatcmpl-emu-1');
    expect((await ask()).id).toBe('chatcmpl-emu-2');
    emu.reset();
    expect(((await ask()) as { _request_id?: string })._request_id).toBe('req_emu_1');
  });

  it('answers text parts, a text scenario, n choices and max_tokens truncation', async () => {
    const c = client();
    emu.enqueue({ kind: 'text', text: 'Exactly this.' });
    const scripted = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'one two' }] }] });
    expect(scripted.choices[0].message.content).toBe('Exactly this.');
    expect(scripted.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });

    const many = await c.chat.completions.create({ model: 'm', n: 2, messages: [{ role: 'user', content: 'a b' }] });
    expect(many.choices.map((ch) => [ch.index, ch.message.content])).toEqual([
      [0, 'Echo: a b'],
      [1, 'Echo: a b'],
    ]);
    expect(many.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 6, total_tokens: 8 });

    const cut = await c.chat.completions.create({ model: 'm', max_completion_tokens: 2, messages: [{ role: 'user', content: 'a b c d' }] });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'Echo: a' } });
    expect(cut.usage?.completion_tokens).toBe(2);
  });

  it('streams one chunk per word with the role first and finish_reason last, then [DONE]', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello there' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const base = {
      id: 'chatcmpl-emu-1',
      object: 'chat.completion.chunk',
      created: CREATED,
      model: 'gpt-4o-mini',
      service_tier: 'default',
      system_fingerprint: 'fp_emu',
    };
    const choice = (delta: object, finish_reason: string | null = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason }] });
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: '', refusal: null }),
      choice({ content: 'Echo:' }),
      choice({ content: ' hello' }),
      choice({ content: ' there' }),
      choice({}, 'stop'),
    ]);
    expect(emu.requests[0].body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], stream: true });
  });

  it('adds usage: null to every chunk and a final choices: [] usage chunk with include_usage', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.usage)).toEqual([null, null, null, null, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, ...USAGE_ZERO_DETAILS }]);
    expect(chunks[4].choices).toEqual([]);
    expect(chunks[3].choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
  });

  it('leaves the usage chunk out under no_usage even when include_usage asks for it', async () => {
    emu.enqueue({ kind: 'no_usage' });
    const stream = await client().chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(4);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    emu.enqueue({ kind: 'no_usage' });
    const json = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect('usage' in json).toBe(false);
  });

  it('reports cached and reasoning tokens in the usage details', async () => {
    const c = client();
    emu.enqueue({ kind: 'cache', read: 3 }, { kind: 'reasoning', tokens: 5 });
    const messages = [{ role: 'user' as const, content: 'one two three four' }];
    const cached = await c.chat.completions.create({ model: 'm', messages });
    expect(cached.usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 5,
      total_tokens: 9,
      prompt_tokens_details: { cached_tokens: 3, audio_tokens: 0 },
      completion_tokens_details: USAGE_ZERO_DETAILS.completion_tokens_details,
    });
    const reasoning = await c.chat.completions.create({ model: 'o4-mini', messages });
    expect(reasoning.usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 10,
      total_tokens: 14,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 5, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  it('streams n choices that the SDK stream helper assembles per index', async () => {
    const final = await client()
      .chat.completions.stream({ model: 'm', n: 2, messages: [{ role: 'user', content: 'x y' }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(final.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'Echo: x y', 'stop'],
      [1, 'Echo: x y', 'stop'],
    ]);
    expect(final.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 6, total_tokens: 8 });
  });

  it('answers a tool_call scenario with one function call', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris', days: 2 } });
    const completion = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
    });
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          annotations: [],
          tool_calls: [{ id: 'call-emu-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","days":2}' } }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    // Output tokens: words of `get_weather {"city":"Paris","days":2}`.
    expect(completion.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
  });

  it('streams a tool call as id/name first, then argument fragments the SDK assembles', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const runner = client().chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
    });
    const deltas: unknown[] = [];
    runner.on('chunk', (chunk) => deltas.push(chunk.choices[0]?.delta));
    const final = await runner.finalChatCompletion();
    expect(deltas).toEqual([
      {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ index: 0, id: 'call-emu-1', type: 'function', function: { name: 'get_weather', arguments: '' } }],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'city' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '":"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'Paris' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"}' } }] },
      {},
    ]);
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.choices[0].message.tool_calls).toEqual([
      { id: 'call-emu-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
  });

  it('answers a json_schema response_format with JSON that chat.completions.parse() parses', async () => {
    const completion = await client().chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Describe Ada Lovelace' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              born: { type: 'integer' },
              score: { type: 'number' },
              alive: { type: 'boolean' },
              era: { type: 'string', enum: ['victorian', 'modern'] },
              tags: { type: 'array', items: { type: 'string' } },
              nickname: { anyOf: [{ type: 'string' }, { type: 'null' }] },
            },
            required: ['name', 'born', 'score', 'alive', 'era', 'tags', 'nickname'],
            additionalProperties: false,
          },
        },
      },
    });
    const expected = {
      name: 'Echo: Describe Ada Lovelace',
      born: 3,
      score: 3,
      alive: true,
      era: 'victorian',
      tags: ['Echo: Describe Ada Lovelace'],
      nickname: 'Echo: Describe Ada Lovelace',
    };
    expect(completion.choices[0].message.parsed).toEqual(expected);
    expect(completion.choices[0].message.content).toBe(JSON.stringify(expected));
  });
});

describe('forced tool choice', () => {
  it('calls the named tool with arguments built from its parameters schema', async () => {
    const completion = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Rome' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'call-emu-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Echo: Weather in Rome"}' } },
    ]);
  });

  it('calls the first function tool for tool_choice required in the Responses API', async () => {
    const res = await client().responses.create({
      model: 'gpt-4.1',
      input: 'go',
      tool_choice: 'required',
      tools: [
        {
          type: 'function',
          name: 'count',
          strict: true,
          parameters: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false },
        },
      ],
    });
    expect(res.output).toEqual([{ id: 'fc-emu-1', type: 'function_call', call_id: 'call-emu-1', name: 'count', arguments: '{"n":1}', status: 'completed' }]);
  });
});

describe('wire framing', () => {
  it('frames chat chunks as data-only SSE events ending with data: [DONE]', async () => {
    emu.enqueue({ kind: 'text', text: 'A b' });
    const res = await fetch(`${emu.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'q' }], stream: true }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const base = `"id":"chatcmpl-emu-1","created":${CREATED},"model":"m","service_tier":"default","system_fingerprint":"fp_emu","object":"chat.completion.chunk"`;
    expect(await res.text()).toBe(
      `data: {${base},"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: {${base},"choices":[{"index":0,"delta":{"content":"A"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: {${base},"choices":[{"index":0,"delta":{"content":" b"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `data: {${base},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('frames Responses events with an event: line naming the data type', async () => {
    const res = await fetch(`${emu.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'q', stream: true }),
    });
    const frames = (await res.text()).split('\n\n').filter(Boolean);
    expect(frames).toHaveLength(10);
    for (const frame of frames) {
      const [eventLine, dataLine, ...rest] = frame.split('\n');
      expect(rest).toEqual([]);
      const data = JSON.parse(dataLine.replace(/^data: /, ''));
      expect(eventLine).toBe(`event: ${data.type}`);
    }
    expect(frames[4]).toBe(
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"msg-emu-1","output_index":0,"content_index":0,"delta":"Echo:","logprobs":[],"sequence_number":4}',
    );
  });
});

describe('multi-turn tool use', () => {
  it('lets runTools() call the function and answers the follow-up request with the echo reply', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Lima' } });
    const calls: unknown[] = [];
    const runner = client().chat.completions.runTools({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Lima?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            parse: JSON.parse,
            function: (args: { city: string }) => {
              calls.push(args);
              return 'sunny';
            },
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe('Echo: Weather in Lima?');
    expect(calls).toEqual([{ city: 'Lima' }]);
    expect(emu.requests).toHaveLength(2);
    expect((emu.requests[1].body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'Weather in Lima?' },
      // The SDK resends the assistant turn without refusal/annotations.
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call-emu-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lima"}' } }],
      },
      { role: 'tool', tool_call_id: 'call-emu-1', content: 'sunny' },
    ]);
  });
});

describe('client aborts', () => {
  it('survives a client that aborts mid-stream and serves the next request', async () => {
    const own = await startEmulator();
    // Held after the role chunk and the first word: the abort lands while the rest is still owed.
    own.enqueue({ kind: 'hold_after', chunks: 2 });
    try {
      const c = new OpenAI({ baseURL: `${own.url}/v1`, apiKey: 'k', maxRetries: 0 });
      const stream = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a b c d e f g h' }], stream: true });
      const seen: unknown[] = [];
      for await (const chunk of stream) {
        seen.push(chunk.choices[0].delta.content);
        if (seen.length === 2) stream.controller.abort();
      }
      expect(seen).toEqual(['', 'Echo:']);
      const next = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'again' }] });
      expect([next.id, next.choices[0].message.content]).toEqual(['chatcmpl-emu-2', 'Echo: again']);
    } finally {
      await own.close();
    }
  });
});

describe('hold_after and the x-emulator-hold-after header', () => {
  async function firstChunks(stream: AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }> }>, count: number) {
    const seen: unknown[] = [];
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]?.delta.content);
      if (seen.length === count) break; // break closes the connection: the held stream ends there
    }
    return seen;
  }

  it('sends exactly N chunks, then nothing until the client goes away, then serves the next request', async () => {
    const own = await startEmulator();
    try {
      const c = new OpenAI({ baseURL: `${own.url}/v1`, apiKey: 'k', maxRetries: 0 });
      own.enqueue({ kind: 'hold_after', chunks: 3 });
      const stream = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a b c d' }], stream: true });
      const iterator = stream[Symbol.asyncIterator]();
      const got = [await iterator.next(), await iterator.next(), await iterator.next()].map((r) => r.value?.choices[0]?.delta.content);
      expect(got).toEqual(['', 'Echo:', ' a']);
      // The fourth chunk is owed and never comes while the client waits; it ends only when the client aborts.
      const fourth = iterator.next().catch((e: unknown) => e);
      stream.controller.abort();
      const ended = await fourth; // the SDK ends an aborted stream quietly
      expect(ended).toEqual({ value: undefined, done: true });
      const next = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'again' }] });
      expect(next.choices[0].message.content).toBe('Echo: again');
    } finally {
      await own.close();
    }
  });

  it('holds the one request that sends the header, whatever the scenario queue holds', async () => {
    const own = await startEmulator();
    try {
      const c = new OpenAI({ baseURL: `${own.url}/v1`, apiKey: 'k', maxRetries: 0 });
      const ask = (content: string) => c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content }], stream: true });
      expect(await firstChunks(await ask('one two'), 99)).toEqual(['', 'Echo:', ' one', ' two', undefined]);
      const held = await c.chat.completions.create(
        { model: 'm', messages: [{ role: 'user', content: 'one two' }], stream: true },
        { headers: { 'x-emulator-hold-after': '2' } },
      );
      expect(await firstChunks(held, 2)).toEqual(['', 'Echo:']);
      expect(await firstChunks(await ask('three'), 99)).toEqual(['', 'Echo:', ' three', undefined]);
    } finally {
      await own.close();
    }
  });

  it('answers a non-streaming request in full, and a bad header with a 400 naming it', async () => {
    const own = await startEmulator();
    try {
      const c = new OpenAI({ baseURL: `${own.url}/v1`, apiKey: 'k', maxRetries: 0 });
      own.enqueue({ kind: 'hold_after', chunks: 1 });
      const answer = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'whole' }] });
      expect(answer.choices[0].message.content).toBe('Echo: whole');
      const bad = await c.chat.completions
        .create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true }, { headers: { 'x-emulator-hold-after': 'two' } })
        .catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
      expect((bad as Error).message).toBe('400 x-emulator-hold-after must be an integer >= 0, got "two"');
      expect(() => own.enqueue({ kind: 'hold_after', chunks: -1 })).toThrow('emulator.enqueue: hold_after scenario needs chunks >= 0');
    } finally {
      await own.close();
    }
  });
});

describe('legacy completions', () => {
  it('answers each prompt with one text_completion choice', async () => {
    const completion = await client().completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: ['a b', 'c'] });
    expect(completion).toEqual({
      id: 'cmpl-emu-1',
      object: 'text_completion',
      created: CREATED,
      model: 'gpt-3.5-turbo-instruct',
      system_fingerprint: 'fp_emu',
      choices: [
        { text: 'Echo: a b', index: 0, logprobs: null, finish_reason: 'stop' },
        { text: 'Echo: c', index: 1, logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
    });
  });

  it('streams words, a finish chunk and the usage chunk', async () => {
    const stream = await client().completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'hi',
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const base = { id: 'cmpl-emu-1', object: 'text_completion', created: CREATED, model: 'gpt-3.5-turbo-instruct', system_fingerprint: 'fp_emu' };
    const c = (text: string, finish_reason: string | null) => ({ ...base, choices: [{ text, index: 0, logprobs: null, finish_reason }], usage: null });
    expect(chunks).toEqual([
      c('Echo:', null),
      c(' hi', null),
      c('', 'stop'),
      { ...base, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
    ]);
  });
});

describe('embeddings', () => {
  it('returns float vectors of the requested dimensions', async () => {
    const res = await client().embeddings.create({ model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'], dimensions: 4, encoding_format: 'float' });
    expect(res).toEqual({
      object: 'list',
      model: 'text-embedding-3-small',
      data: [
        { object: 'embedding', index: 0, embedding: embeddingFor('alpha beta', 4) },
        { object: 'embedding', index: 1, embedding: embeddingFor('gamma', 4) },
      ],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    const v = res.data[0].embedding;
    expect(v.every((x) => Math.fround(x) === x)).toBe(true);
    expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-6);
    expect(v).not.toEqual(res.data[1].embedding);
  });

  it('defaults to 1536 dimensions; base64 on the wire is decoded by the SDK to the same floats', async () => {
    const c = client();
    const float = await c.embeddings.create({ model: 'text-embedding-3-small', input: 'same text', encoding_format: 'float' });
    const viaDefault = await c.embeddings.create({ model: 'text-embedding-3-small', input: 'same text' });
    // The SDK asks for base64 itself when the caller names no format, and decodes the answer.
    expect(emu.requests[1].body).toEqual({ model: 'text-embedding-3-small', input: 'same text', encoding_format: 'base64' });
    expect(float.data[0].embedding).toHaveLength(1536);
    expect(viaDefault.data[0].embedding).toEqual(float.data[0].embedding);

    const explicit = await c.embeddings.create({ model: 'text-embedding-3-small', input: 'same text', encoding_format: 'base64' });
    const b64 = explicit.data[0].embedding as unknown as string;
    expect(typeof b64).toBe('string');
    const buf = Buffer.from(b64, 'base64');
    expect(Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4))).toEqual(float.data[0].embedding);
  });
});

describe('responses', () => {
  const responseBase = {
    id: 'resp-emu-1',
    object: 'response',
    created_at: CREATED,
    background: false,
    error: null,
    instructions: 'Be brief.',
    max_output_tokens: null,
    max_tool_calls: null,
    model: 'gpt-4.1',
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: true,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_logprobs: 0,
    top_p: 1,
    truncation: 'disabled',
    user: null,
    metadata: {},
  };
  const message = (text: string) => ({
    id: 'msg-emu-1',
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', annotations: [], logprobs: [], text }],
  });

  it('answers with a message output item and input/output token usage', async () => {
    const res = await client().responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'Tell me a joke' });
    expect(res).toEqual({
      ...responseBase,
      status: 'completed',
      incomplete_details: null,
      output: [message('Echo: Tell me a joke')],
      usage: {
        input_tokens: 6,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 11,
      },
      output_text: 'Echo: Tell me a joke',
    });
  });

  it('streams typed events with sequence numbers and a final response.completed', async () => {
    const stream = await client().responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: [{ role: 'user', content: 'hi you' }], stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => [e.sequence_number, e.type])).toEqual([
      [0, 'response.created'],
      [1, 'response.in_progress'],
      [2, 'response.output_item.added'],
      [3, 'response.content_part.added'],
      [4, 'response.output_text.delta'],
      [5, 'response.output_text.delta'],
      [6, 'response.output_text.delta'],
      [7, 'response.output_text.done'],
      [8, 'response.content_part.done'],
      [9, 'response.output_item.done'],
      [10, 'response.completed'],
    ]);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta').map((e) => (e as { delta: string }).delta);
    expect(deltas).toEqual(['Echo:', ' hi', ' you']);
    expect(events[0]).toEqual({
      type: 'response.created',
      sequence_number: 0,
      response: { ...responseBase, status: 'in_progress', incomplete_details: null, output: [], usage: null },
    });
    expect(events[3]).toEqual({
      type: 'response.content_part.added',
      item_id: 'msg-emu-1',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
      sequence_number: 3,
    });
    expect(events[10]).toEqual({
      type: 'response.completed',
      sequence_number: 10,
      response: {
        ...responseBase,
        status: 'completed',
        incomplete_details: null,
        output: [message('Echo: hi you')],
        usage: {
          input_tokens: 4,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 3,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 7,
        },
      },
    });
  });

  it('builds the same final response through the SDK stream helper', async () => {
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'stream me' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Echo: stream me');
    expect(final.status).toBe('completed');
    expect(final.usage?.output_tokens).toBe(3);
  });

  it('answers a tool_call scenario with a function_call item, streamed as argument deltas', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'lookup', arguments: { q: 'x' } });
    const res = await client().responses.create({ model: 'gpt-4.1', input: 'find x' });
    expect(res.output).toEqual([{ id: 'fc-emu-1', type: 'function_call', call_id: 'call-emu-1', name: 'lookup', arguments: '{"q":"x"}', status: 'completed' }]);

    emu.reset();
    emu.enqueue({ kind: 'tool_call', name: 'lookup', arguments: { q: 'x' } });
    const stream = client().responses.stream({ model: 'gpt-4.1', input: 'find x' });
    const types: string[] = [];
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(final.output).toEqual([
      { id: 'fc-emu-1', type: 'function_call', call_id: 'call-emu-1', name: 'lookup', arguments: '{"q":"x"}', status: 'completed', parsed_arguments: null },
    ]);
  });

  it('reports reasoning with a reasoning item and cached input tokens in usage', async () => {
    emu.enqueue({ kind: 'reasoning', tokens: 7 }, { kind: 'cache', read: 2 });
    const c = client();
    const reasoned = await c.responses.create({ model: 'o4-mini', input: 'think hard' });
    expect(reasoned.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(reasoned.usage).toEqual({
      input_tokens: 2,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 10,
      output_tokens_details: { reasoning_tokens: 7 },
      total_tokens: 12,
    });
    const cached = await c.responses.create({ model: 'gpt-4.1', input: 'think hard' });
    expect(cached.usage).toEqual({
      input_tokens: 2,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 5,
    });
  });
});

describe('responses structured output', () => {
  it('answers text.format json_schema with JSON that responses.parse() parses', async () => {
    const res = await client().responses.parse({
      model: 'gpt-4.1',
      input: 'rate this',
      text: {
        format: {
          type: 'json_schema',
          name: 'rating',
          strict: true,
          schema: {
            type: 'object',
            properties: { stars: { type: 'integer' }, ok: { type: 'boolean' } },
            required: ['stars', 'ok'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(res.output_parsed).toEqual({ stars: 2, ok: true });
    expect(res.output_text).toBe('{"stars":2,"ok":true}');
  });

  it('marks a max_output_tokens cut as incomplete', async () => {
    const res = await client().responses.create({ model: 'gpt-4.1', input: 'a b c', max_output_tokens: 2 });
    expect(res.status).toBe('incomplete');
    expect(res.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(res.output_text).toBe('Echo: a');
  });
});

describe('responses reasoning stream', () => {
  it('streams the reasoning item before the message and counts reasoning in output tokens', async () => {
    emu.enqueue({ kind: 'reasoning', tokens: 4 });
    const stream = await client().responses.create({ model: 'o4-mini', input: 'why', stream: true });
    const events = [];
    for await (const e of stream) events.push(e);
    expect(events.slice(2, 5)).toEqual([
      { type: 'response.output_item.added', output_index: 0, item: { id: 'rs-emu-1', type: 'reasoning', summary: [] }, sequence_number: 2 },
      { type: 'response.output_item.done', output_index: 0, item: { id: 'rs-emu-1', type: 'reasoning', summary: [] }, sequence_number: 3 },
      {
        type: 'response.output_item.added',
        output_index: 1,
        item: { id: 'msg-emu-1', type: 'message', status: 'in_progress', content: [], role: 'assistant' },
        sequence_number: 4,
      },
    ]);
    const done = events.at(-1) as { type: string; response: { usage: unknown; output: { type: string }[] } };
    expect(done.type).toBe('response.completed');
    expect(done.response.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(done.response.usage).toEqual({
      input_tokens: 1,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 6,
      output_tokens_details: { reasoning_tokens: 4 },
      total_tokens: 7,
    });
  });
});

describe('models', () => {
  it('lists and retrieves models', async () => {
    const c = client();
    const ids: string[] = [];
    for await (const m of c.models.list()) ids.push(m.id);
    expect(ids).toContain('gpt-4o-mini');
    expect(await c.models.retrieve('my-model')).toEqual({ id: 'my-model', object: 'model', created: 1_700_000_000, owned_by: 'openai' });
  });
});

describe('errors and failure scenarios', () => {
  it('surfaces a 429 scenario as RateLimitError with retry-after and rate-limit headers', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 7 });
    const err = await client()
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.error).toEqual({
      message: 'Rate limit reached for requests. Please try again later.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.type).toBe('requests');
    expect(e.requestID).toBe('req_emu_1');
    expect(e.headers.get('retry-after')).toBe('7');
    expect(e.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(e.headers.get('x-ratelimit-reset-requests')).toBe('7s');
  });

  it('answers a streaming request that hits an error scenario with the JSON error, before any event', async () => {
    emu.enqueue({ kind: 'error', status: 503 });
    const err = await client()
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({
      message: 'The server is overloaded or not ready yet.',
      type: 'server_error',
      param: null,
      code: null,
    });
  });

  it('lets the SDK retry a 429 after retry-after and succeed on the default reply', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 0 });
    const res = await client(OpenAI, { maxRetries: 1 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(res.id).toBe('chatcmpl-emu-2');
    expect(emu.requests).toHaveLength(2);
  });

  it('surfaces a 500 scenario as InternalServerError with the custom message', async () => {
    emu.enqueue({ kind: 'error', status: 500, message: 'boom', code: 'engine_down' });
    const err = await client()
      .responses.create({ model: 'm', input: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({ message: 'boom', type: 'server_error', param: null, code: 'engine_down' });
    expect((err as Error).message).toBe('500 boom');
  });

  it('names the requested model in a default 404', async () => {
    emu.enqueue({ kind: 'error', status: 404 });
    const err = await client()
      .chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({
      message: 'The model `gpt-9` does not exist or you do not have access to it.',
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    });
  });

  it('hangs until the SDK times out', async () => {
    emu.enqueue({ kind: 'hang' });
    const err = await client(OpenAI, { timeout: 300 })
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(emu.requests).toHaveLength(1);
  });

  it('cuts a stream after N chunks so iterating it throws', async () => {
    emu.enqueue({ kind: 'stream_error_after', chunks: 2 });
    const stream = await client().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a b c d' }], stream: true });
    const contents: unknown[] = [];
    const err = await (async () => {
      for await (const chunk of stream) contents.push(chunk.choices[0].delta.content);
    })().catch((e: unknown) => e);
    expect(contents).toEqual(['', 'Echo:']);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/terminated|aborted|socket|ECONNRESET|closed/i);
  });

  it('cuts a Responses stream the same way', async () => {
    emu.enqueue({ kind: 'stream_error_after', chunks: 3 });
    const stream = await client().responses.create({ model: 'm', input: 'a b', stream: true });
    const types: string[] = [];
    const err = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e: unknown) => e);
    expect(types).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(err).toBeInstanceOf(Error);
  });

  it('cuts a non-streaming response halfway through its body under stream_error_after', async () => {
    emu.enqueue({ kind: 'stream_error_after', chunks: 1 });
    const err = await client()
      .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    // The SDK reads the body after the status: fetch's own error surfaces, unwrapped.
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('terminated');
    expect(emu.requests).toHaveLength(1);
  });

  it('answers 401 in the OpenAI error shape when Authorization is missing or empty', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Bearer ' }];
    for (const headers of variants) {
      const res = await fetch(`${emu.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
            "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
            'from your browser and are prompted for a username and password. You can obtain an API key from ' +
            'https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    }
    expect(emu.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
  });

  it('answers unknown routes with 404 and bad JSON with 400, both with x-request-id', async () => {
    const auth = { authorization: 'Bearer sk-test', 'content-type': 'application/json' };
    const missing = await fetch(`${emu.url}/v1/nope?x=1`, { method: 'POST', headers: auth, body: '{}' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('req_emu_1');
    expect(await missing.json()).toEqual({ error: { message: 'Invalid URL (POST /v1/nope)', type: 'invalid_request_error', param: null, code: null } });
    expect(emu.requests[0].query).toEqual({ x: '1' });

    const bad = await fetch(`${emu.url}/v1/chat/completions`, { method: 'POST', headers: auth, body: '{"model":' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-request-id')).toBe('req_emu_2');
    expect(await bad.json()).toEqual({
      error: {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
          'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
          'figuring out how to fix this, please contact us through our help center at help.openai.com.)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    expect(emu.requests[1].body).toBe('{"model":');
  });

  it('validates required parameters with the parameter named', async () => {
    const err = await client()
      .chat.completions.create({ model: 'm' } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({
      message: "Missing required parameter: 'messages'.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'missing_required_parameter',
    });
  });

  it('rejects malformed scenarios when they are queued', () => {
    expect(() => emu.enqueue({ kind: 'explode' } as never)).toThrow(/unknown scenario \{"kind":"explode"\}; kind must be one of error, tool_call/);
    expect(() => emu.enqueue({ kind: 'error', status: 200 })).toThrow('emulator.enqueue: error scenario needs an integer status 400..599');
    expect(() => emu.enqueue({ kind: 'tool_call', name: 'f', arguments: [] as never })).toThrow(
      'emulator.enqueue: tool_call scenario needs an arguments object',
    );
    expect(() => emu.enqueue({ kind: 'stream_error_after', chunks: -1 })).toThrow('emulator.enqueue: stream_error_after scenario needs chunks >= 0');
    // A rejected call queues nothing, not even its valid scenarios.
    expect(() => emu.enqueue({ kind: 'text', text: 'ok' }, { kind: 'cache', read: -1 })).toThrow('emulator.enqueue: cache scenario needs read >= 0');
    expect(emu.requests).toEqual([]);
  });
});

describe('startEmulator()', () => {
  it('binds 127.0.0.1 on the requested port and reports a port in use', async () => {
    const first = await startEmulator();
    try {
      expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
      expect(first.port).toBeGreaterThan(0);
      await expect(startEmulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
    const again = await startEmulator({ port: first.port });
    expect(again.port).toBe(first.port);
    await again.close();
  });
});

describe('close()', () => {
  it('ends hanging and streaming connections so clients see an error instead of waiting', async () => {
    const own = await startEmulator();
    own.enqueue({ kind: 'hang' }, { kind: 'hold_after', chunks: 1 });
    const c = new OpenAI({ baseURL: `${own.url}/v1`, apiKey: 'k', maxRetries: 0, timeout: 60_000 });
    const hanging = c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    const stream = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: Array(200).fill('w').join(' ') }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const rest = (async () => {
      while (!(await iterator.next()).done);
    })().catch((e: unknown) => e);
    await own.close();
    expect(await hanging).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(await rest).toBeInstanceOf(Error);
    await own.close(); // idempotent
  });
});

interface CompatSdk {
  label: string;
  load: () => typeof OpenAI;
  skip?: string;
}
const compat: CompatSdk[] = [
  { label: 'openai 4', load: () => loadCompat(4) },
  { label: 'openai 7', load: () => loadCompat(7), skip: nodeMajor < 22 ? `openai 7 requires Node >= 22 (running ${process.versions.node})` : undefined },
];

for (const sdk of compat) {
  describe.skipIf(sdk.skip !== undefined)(`${sdk.label} compatibility${sdk.skip ? ` (skipped: ${sdk.skip})` : ''}`, () => {
    let Sdk: typeof OpenAI;
    beforeAll(() => {
      Sdk = sdk.load();
    });

    it('creates a chat completion', async () => {
      const res = await client(Sdk).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello world' }] });
      expect(res.choices[0].message).toEqual({ role: 'assistant', content: 'Echo: hello world', refusal: null, annotations: [] });
      expect(res.usage).toEqual({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5, ...USAGE_ZERO_DETAILS });
    });

    it('streams a chat completion with include_usage', async () => {
      const stream = await client(Sdk).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hello world' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const text: string[] = [];
      let usage: unknown;
      for await (const chunk of stream) {
        text.push(chunk.choices[0]?.delta.content ?? '');
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text.join('')).toBe('Echo: hello world');
      expect(usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    });

    it('assembles a streamed tool call', async () => {
      emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Oslo' } });
      const c = client(Sdk) as OpenAI & { beta: { chat?: { completions: OpenAI['chat']['completions'] } } };
      // openai 4 has the stream helper under beta; 5+ moved it to chat.completions.
      const completions = typeof c.chat.completions.stream === 'function' ? c.chat.completions : c.beta.chat!.completions;
      const final = await completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'w?' }], tools: [weatherTool] }).finalChatCompletion();
      expect(final.choices[0].message.tool_calls?.map((t) => [t.id, t.function.name, t.function.arguments])).toEqual([
        ['call-emu-1', 'get_weather', '{"city":"Oslo"}'],
      ]);
    });

    it('decodes default base64 embeddings', async () => {
      const res = await client(Sdk).embeddings.create({ model: 'text-embedding-3-small', input: 'vec', dimensions: 3 });
      expect(res.data[0].embedding).toEqual(embeddingFor('vec', 3));
    });

    it('creates and streams a response', async () => {
      const c = client(Sdk);
      const res = await c.responses.create({ model: 'gpt-4.1', input: 'x y' });
      expect(res.output_text).toBe('Echo: x y');
      const stream = await c.responses.create({ model: 'gpt-4.1', input: 'x y', stream: true });
      const deltas: string[] = [];
      for await (const e of stream) if (e.type === 'response.output_text.delta') deltas.push(e.delta);
      expect(deltas).toEqual(['Echo:', ' x', ' y']);
    });

    it('throws its RateLimitError on 429', async () => {
      emu.enqueue({ kind: 'error', status: 429, retryAfter: 3 });
      const err = await client(Sdk)
        .chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Sdk.RateLimitError);
      expect(header((err as InstanceType<typeof OpenAI.APIError>).headers, 'retry-after')).toBe('3');
      expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limit_exceeded');
    });
  });
}
