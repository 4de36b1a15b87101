import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { loadGroq, SDKS, setupTracing, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const MODEL = 'llama-3.3-70b-versatile';
const KEY = 'gsk_test_key';
// llama-3.3-70b-versatile in the built-in price table: USD per 1M tokens (no cache discount listed).
const cost = (input: number, output: number) => Math.round(((input * 0.59 + output * 0.79) / 1e6) * 1e12) / 1e12;

const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

describe.each(Object.entries(SDKS))('%s', (_name, sdkPath) => {
  const Groq = loadGroq(sdkPath);
  const client = (url = emu.url) => new Groq({ baseURL: url, apiKey: KEY, maxRetries: 0 });
  const base = (port = emu.port) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'groq',
    'gen_ai.request.model': MODEL,
    'server.address': '127.0.0.1',
    'server.port': port,
    'provenance.credential.fingerprint': fingerprintCredential(KEY),
  });
  const usageAttrs = (input: number, output: number) => ({
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'gen_ai.usage.cost.amount': cost(input, output),
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  });

  it('records the whole attribute map of a plain call and returns the SDK completion unchanged', async () => {
    const completion = await client().chat.completions.create({
      model: MODEL,
      max_tokens: 100,
      temperature: 0,
      top_p: 0.5,
      frequency_penalty: 0.1,
      presence_penalty: 0.2,
      seed: 7,
      stop: 'END',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'hello there' },
      ],
    });
    expect(completion.choices[0].message.content).toBe('Echo: hello there');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_p': 0.5,
      'gen_ai.request.frequency_penalty': 0.1,
      'gen_ai.request.presence_penalty': 0.2,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.output.type': 'json',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be terse.' }]),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hello there' }] }]),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      ...usageAttrs(4, 3),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: hello there' }], finish_reason: 'stop' }]),
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  it('records a tool call: tool definitions, the tool_call part and the tool result sent back', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } } }];
    const completion = await client().chat.completions.create({
      model: MODEL,
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
        { role: 'tool', tool_call_id: 'call_0', content: 'sunny' },
      ],
    });
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object' } }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'weather?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_0', name: 'get_weather', arguments: { city: 'Rome' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_0', response: 'sunny' }] },
      ]),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['tool_calls'],
      ...usageAttrs(2, 2),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_emu_1', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
      ]),
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  it('records an error response (429) and lets the SDK throw its own RateLimitError', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 2 });
    const err = await client()
      .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Groq.RateLimitError);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'x' }] }]),
      'error.type': '429',
      'http.response.status_code': 429,
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  describe('streaming', () => {
    const streamed = (port = emu.port) => ({
      ...base(port),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'a b c' }] }]),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'provenance.provider.request_id': 'req_emu_1',
    });
    const create = (url = emu.url) => client(url).chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'a b c' }] });

    it('takes usage from the last chunk x_groq.usage when the stream completes', async () => {
      let text = '';
      for await (const chunk of await create()) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('Echo: a b c');
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...streamed(),
        'gen_ai.response.finish_reasons': ['stop'],
        ...usageAttrs(3, 4),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: a b c' }], finish_reason: 'stop' }]),
      });
    });

    it('ends the span without an error on break, with no usage since Groq sends it last', async () => {
      for await (const chunk of await create()) if (chunk.choices[0]?.delta?.content) break;
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...streamed(),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo:' }], finish_reason: 'error' }]),
      });
    });

    it('records an abort through stream.controller as error.type APIUserAbortError', async () => {
      // Held after the role chunk and two words (`hold_after`), so the abort lands while the rest is owed.
      emu.enqueue({ kind: 'hold_after', chunks: 3 });
      const stream = await create();
      let seen = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content && ++seen === 2) stream.controller.abort();
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toEqual({
        ...streamed(),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: a' }], finish_reason: 'error' }]),
        'error.type': 'APIUserAbortError',
      });
    });

    it('records a connection cut mid-stream as an error and rethrows the SDK error unchanged', async () => {
      emu.enqueue({ kind: 'stream_error_after', chunks: 3 });
      const stream = await create();
      // Whether the chunk written just before the cut reaches the caller depends on the SDK's HTTP
      // stack, so the expectation is built from what the caller actually received.
      let received = '';
      const err = await (async () => {
        for await (const chunk of stream) received += chunk.choices[0]?.delta?.content ?? '';
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toEqual({
        ...streamed(),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: received ? [{ type: 'text', content: received }] : [], finish_reason: 'error' }]),
        'error.type': (err as Error).constructor.name,
      });
    });

    it('streams a tool call and keeps the Stream object (tee still works)', async () => {
      emu.enqueue({ kind: 'tool_call', name: 'f', arguments: { a: 1 } });
      const stream = await create();
      expect(stream.constructor.name).toBe('Stream');
      const [left, right] = stream.tee();
      const count = async (s: AsyncIterable<unknown>) => {
        let n = 0;
        for await (const _c of s) n++;
        return n;
      };
      expect(await count(left)).toBe(await count(right));
      const [span] = await waitForSpans(tracing, 1);
      expect(span.attributes).toEqual({
        ...streamed(),
        'gen_ai.response.finish_reasons': ['tool_calls'],
        ...usageAttrs(3, 2),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_emu_1', name: 'f', arguments: { a: 1 } }], finish_reason: 'tool_call' },
        ]),
      });
    });
  });

  it('records parsed reasoning as a reasoning part and reasoning tokens, plain and streamed', async () => {
    emu.enqueue({ kind: 'reasoning', tokens: 2 }, { kind: 'reasoning', tokens: 2 });
    const params = { model: MODEL, reasoning_format: 'parsed', messages: [{ role: 'user', content: 'q' }] };
    await client().chat.completions.create(params);
    for await (const _chunk of await client().chat.completions.create({ ...params, stream: true })) {
      // drain
    }
    const spans = await waitForSpans(tracing, 2);
    const expected = (n: number) => ({
      ...base(),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'q' }] }]),
      'gen_ai.response.id': `chatcmpl-emu-${n}`,
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      ...usageAttrs(1, 4),
      'gen_ai.usage.reasoning.output_tokens': 2,
      'gen_ai.output.messages': JSON.stringify([
        {
          role: 'assistant',
          parts: [
            { type: 'reasoning', content: 'step1 step2' },
            { type: 'text', content: 'Echo: q' },
          ],
          finish_reason: 'stop',
        },
      ]),
      'provenance.provider.request_id': `req_emu_${n}`,
    });
    expect(spans[0].attributes).toEqual(expected(1));
    expect(spans[1].attributes).toEqual({ ...expected(2), 'gen_ai.request.stream': true, 'gen_ai.response.time_to_first_chunk': expect.any(Number) });
  });

  it('records embeddings with input texts, usage and the vector dimension', async () => {
    const result = await client().embeddings.create({ model: 'nomic-embed-text-v1_5', input: ['a b', 'c'] });
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('embeddings nomic-embed-text-v1_5');
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'nomic-embed-text-v1_5',
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'a b' }] },
        { role: 'user', parts: [{ type: 'text', content: 'c' }] },
      ]),
      'gen_ai.response.model': 'nomic-embed-text-v1_5',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.embeddings.dimension.count': result.data[0].embedding.length,
      'provenance.provider.request_id': 'req_emu_1',
    });
  });
});
