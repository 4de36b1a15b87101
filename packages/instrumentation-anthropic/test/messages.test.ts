import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { loadAnthropic, SDKS, setupTracing, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const MODEL = 'claude-sonnet-4';
const KEY = 'sk-ant-test-key';
// claude-sonnet-4 in the built-in price table: USD per 1M tokens.
const PRICE = { input: 3, cachedInput: 0.3, cacheCreationInput: 3.75, output: 15 };
const cost = (input: number, output: number, cacheRead = 0, cacheCreation = 0) =>
  Math.round(((input * PRICE.input + cacheRead * PRICE.cachedInput + cacheCreation * PRICE.cacheCreationInput + output * PRICE.output) / 1e6) * 1e12) / 1e12;

const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

describe.each(Object.entries(SDKS))('%s', (sdkName, sdkPath) => {
  const Anthropic = loadAnthropic(sdkPath);
  const client = () => new Anthropic({ baseURL: emu.url, apiKey: KEY, maxRetries: 0 });
  const base = () => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': MODEL,
    'server.address': '127.0.0.1',
    'server.port': emu.port,
    'provenance.credential.fingerprint': fingerprintCredential(KEY),
  });

  it('records the whole attribute map of a plain call and returns the SDK message unchanged', async () => {
    const message = await client().messages.create({
      model: MODEL,
      max_tokens: 100,
      temperature: 0,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ['END'],
      system: 'Be terse.',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: hello there' }]);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 5,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be terse.' }]),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hello there' }] }]),
      'gen_ai.response.id': 'msg_emu_1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.usage.cost.amount': cost(4, 3),
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: hello there' }], finish_reason: 'stop' }]),
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  it('counts cache reads and writes into input tokens and prices them at the cache rates', async () => {
    emu.enqueue({ kind: 'cache', read: 1000, creation: 200 });
    await client().messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.request.max_tokens': 50,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
      'gen_ai.response.id': 'msg_emu_1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 1 + 1000 + 200,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.cache_creation.input_tokens': 200,
      'gen_ai.usage.cost.amount': cost(1, 2, 1000, 200),
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: hi' }], finish_reason: 'stop' }]),
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  it('records a tool call: tool definitions, the tool_use part and finish reason tool_call', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const tools = [{ name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    const messages = [
      { role: 'user', content: 'weather in Paris?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_0', name: 'get_weather', input: { city: 'Rome' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_0', content: 'sunny' },
          { type: 'text', text: 'and Paris?' },
        ],
      },
    ];
    const message = await client().messages.create({ model: MODEL, max_tokens: 100, tools, messages });
    expect(message.stop_reason).toBe('tool_use');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', description: 'Current weather', parameters: tools[0].input_schema }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'weather in Paris?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_0', name: 'get_weather', arguments: { city: 'Rome' } }] },
        {
          role: 'user',
          parts: [
            { type: 'tool_call_response', id: 'toolu_0', response: 'sunny' },
            { type: 'text', content: 'and Paris?' },
          ],
        },
      ]),
      'gen_ai.response.id': 'msg_emu_1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['tool_use'],
      'gen_ai.usage.input_tokens': 6,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.usage.cost.amount': cost(6, 2),
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_emu_1', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
      ]),
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  it('records an error response (429) and lets the SDK throw its own RateLimitError', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 2 });
    const err = await client()
      .messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.request.max_tokens': 10,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x' }] }]),
      'error.type': '429',
      'http.response.status_code': 429,
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  describe('streaming with create({ stream: true })', () => {
    const streamedBase = () => ({
      ...base(),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'a b c' }] }]),
      'gen_ai.response.id': 'msg_emu_1',
      'gen_ai.response.model': MODEL,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'provenance.provider.request_id': 'req_emu_1',
    });
    const create = () => client().messages.create({ model: MODEL, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'a b c' }] });

    it('ends the span when the stream completes, with usage from message_delta', async () => {
      const stream = await create();
      let text = '';
      for await (const event of stream) if (event.type === 'content_block_delta') text += event.delta.text;
      expect(text).toBe('Echo: a b c');
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...streamedBase(),
        'gen_ai.response.finish_reasons': ['end_turn'],
        'gen_ai.usage.output_tokens': 4,
        'gen_ai.usage.cost.amount': cost(3, 4),
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: a b c' }], finish_reason: 'stop' }]),
      });
    });

    it('ends the span without an error on break, keeping what was received', async () => {
      const stream = await create();
      for await (const event of stream) if (event.type === 'content_block_delta') break;
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...streamedBase(),
        // message_start's provisional output count; message_delta never came, so the output message has
        // no stop reason: 'error', the conventions' value for that (as the openai and gemini backends).
        'gen_ai.usage.output_tokens': 1,
        'gen_ai.usage.cost.amount': cost(3, 1),
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo:' }], finish_reason: 'error' }]),
      });
    });

    it('records an abort through stream.controller as error.type APIUserAbortError', async () => {
      // Held (`hold_after`) right after the event the app aborts on (the fifth: message_start,
      // content_block_start, ping, two deltas). @anthropic-ai/sdk 0.x yields an SSE event only once bytes of
      // the next one arrive, so for it the hold comes one event later.
      emu.enqueue({ kind: 'hold_after', chunks: sdkName === 'anthropic-0' ? 6 : 5 });
      const stream = await client().messages.create({
        model: MODEL,
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'a b c' }],
      });
      let seen = 0;
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && ++seen === 2) stream.controller.abort();
      }
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toEqual({
        ...streamedBase(),
        'gen_ai.usage.output_tokens': 1,
        'gen_ai.usage.cost.amount': cost(3, 1),
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: a' }], finish_reason: 'error' }]),
        'error.type': 'APIUserAbortError',
      });
    });

    it('records a connection cut mid-stream as an error and rethrows the SDK error unchanged', async () => {
      emu.enqueue({ kind: 'stream_error_after', chunks: 4 });
      const stream = await create();
      // Whether the event written just before the cut reaches the caller depends on the SDK's HTTP
      // stack, so the expectation is built from what the caller actually received.
      let received = '';
      const err = await (async () => {
        for await (const event of stream) if (event.type === 'content_block_delta') received += event.delta.text;
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toEqual({
        ...streamedBase(),
        'gen_ai.usage.output_tokens': 1,
        'gen_ai.usage.cost.amount': cost(3, 1),
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: received }], finish_reason: 'error' }]),
        'error.type': (err as Error).constructor.name,
      });
    });
  });

  describe('messages.stream() helper', () => {
    it('keeps MessageStream, its events and finalMessage(), and records one span', async () => {
      emu.enqueue({ kind: 'tool_call', name: 'lookup', arguments: { q: 'otel' } });
      const stream = client().messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'find otel' }] });
      expect(stream.constructor.name).toBe('MessageStream');
      const json: string[] = [];
      stream.on('inputJson', (delta: string) => json.push(delta));
      const final = await stream.finalMessage();
      expect(json.join('')).toBe('{"q":"otel"}');
      expect(final.content).toEqual([{ type: 'tool_use', id: 'toolu_emu_1', name: 'lookup', input: { q: 'otel' } }]);
      const spans = await waitForSpans(tracing, 1);
      expect(tracing.spans()).toHaveLength(1);
      expect(spans[0].attributes).toEqual({
        ...base(),
        'gen_ai.request.max_tokens': 100,
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'find otel' }] }]),
        'gen_ai.response.id': 'msg_emu_1',
        'gen_ai.response.model': MODEL,
        'gen_ai.response.finish_reasons': ['tool_use'],
        'gen_ai.usage.input_tokens': 2,
        'gen_ai.usage.output_tokens': 2,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.cache_creation.input_tokens': 0,
        'gen_ai.usage.cost.amount': cost(2, 2),
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_emu_1', name: 'lookup', arguments: { q: 'otel' } }], finish_reason: 'tool_call' },
        ]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        'provenance.provider.request_id': 'req_emu_1',
      });
    });

    it('records stream.abort() as an aborted span while the SDK reports its own abort', async () => {
      // Held one event after the first text (see the controller abort above).
      emu.enqueue({ kind: 'hold_after', chunks: 5 });
      const stream = client().messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'one two three four' }] });
      const aborted = new Promise((resolve) => stream.on('abort', resolve));
      stream.on('text', () => stream.abort());
      await expect(stream.finalMessage()).rejects.toThrow();
      await aborted;
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('APIUserAbortError');
      expect(span.attributes['gen_ai.response.id']).toBe('msg_emu_1');
    });
  });

  it('records countTokens as a count_tokens span with input tokens and no cost', async () => {
    const count = await client().messages.countTokens({ model: MODEL, system: 'be nice', messages: [{ role: 'user', content: 'a b c' }] });
    expect(count).toEqual({ input_tokens: 5 });
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe(`count_tokens ${MODEL}`);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.operation.name': 'count_tokens',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'be nice' }]),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'a b c' }] }]),
      'gen_ai.usage.input_tokens': 5,
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  it('traces beta.messages.create the same way (plain and streamed)', async () => {
    const beta = client().beta.messages;
    await beta.create({ model: MODEL, max_tokens: 30, betas: ['token-efficient-tools-2025-02-19'], messages: [{ role: 'user', content: 'hi' }] });
    for await (const _event of await beta.create({ model: MODEL, max_tokens: 30, stream: true, messages: [{ role: 'user', content: 'hi' }] })) {
      // drain
    }
    const spans = await waitForSpans(tracing, 2);
    const expected = (n: number) => ({
      ...base(),
      'gen_ai.request.max_tokens': 30,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
      'gen_ai.response.id': `msg_emu_${n}`,
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'gen_ai.usage.cost.amount': cost(1, 2),
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: hi' }], finish_reason: 'stop' }]),
      'provenance.provider.request_id': `req_emu_${n}`,
    });
    expect(spans[0].attributes).toEqual(expected(1));
    expect(spans[1].attributes).toEqual({
      ...expected(2),
      'gen_ai.request.stream': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
    expect(emu.requests[0].headers['anthropic-beta']).toBe('token-efficient-tools-2025-02-19');
  });

  it('returns the SDK APIPromise itself: withResponse() and asResponse() still work', async () => {
    const promise = client().messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(promise.constructor.name).toBe('APIPromise');
    const { data, response } = await promise.withResponse();
    expect(data.id).toBe('msg_emu_1');
    expect(response.headers.get('request-id')).toBe('req_emu_1');
    await waitForSpans(tracing, 1);
  });
});
