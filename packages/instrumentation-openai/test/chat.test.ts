import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { useEmulator } from '@llm-provenance/test-support';
import { fingerprintCredential, withAttribution } from '@llm-provenance/instrumentation-common';
import { MAJORS, finishedSpans, loadOpenAI, setupTracing } from './helpers.js';

const { exporter, instrumentation } = setupTracing();
const FP = fingerprintCredential('sk-test');
const text = (content: string) => ({ type: 'text', content });
const user = (content: string) => ({ role: 'user', parts: [text(content)] });

describe.each(MAJORS)('chat completions, openai $label', ({ major, from, available }) => {
  const emu = useEmulator();
  // Its streams are held after the role chunk and the first word (`hold_after`, queued per test), so an
  // abort lands while the rest of the body is still owed.
  const slowEmu = useEmulator();
  let OpenAI: any;
  let client: any;
  let slowClient: any;
  let port: number;

  beforeAll(async () => {
    if (!available) return;
    port = emu.port;
    OpenAI = loadOpenAI(from);
    client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    slowClient = new OpenAI({ baseURL: `${slowEmu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  beforeEach(() => {
    emu.reset();
    slowEmu.reset();
    exporter.reset();
    instrumentation.setConfig({});
  });

  const base = (p = port) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'server.address': '127.0.0.1',
    'server.port': p,
    'openai.api.type': 'chat_completions',
    'provenance.credential.fingerprint': FP,
  });
  const responseMeta = (n = 1) => ({
    'gen_ai.response.id': `chatcmpl-emu-${n}`,
    'gen_ai.response.model': 'gpt-4o-mini',
    'openai.response.service_tier': 'default',
    'openai.response.system_fingerprint': 'fp_emu',
    'provenance.provider.request_id': `req_emu_${n}`,
  });
  const usage = (input: number, output: number, cost: number) => ({
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'gen_ai.usage.cost.amount': cost,
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  });
  const fullRequest = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello world' },
    ],
    temperature: 0.5,
    top_p: 0.9,
    max_tokens: 50,
    frequency_penalty: 0.1,
    presence_penalty: 0.2,
    stop: 'END',
    seed: 7,
    n: 1,
    response_format: { type: 'text' },
    service_tier: 'auto',
  };
  const fullRequestAttributes = {
    'gen_ai.request.temperature': 0.5,
    'gen_ai.request.top_p': 0.9,
    'gen_ai.request.max_tokens': 50,
    'gen_ai.request.frequency_penalty': 0.1,
    'gen_ai.request.presence_penalty': 0.2,
    'gen_ai.request.stop_sequences': ['END'],
    'gen_ai.request.seed': 7,
    'gen_ai.output.type': 'text',
    'openai.request.service_tier': 'auto',
  };

  it.skipIf(!available)('records the complete attribute map of a chat completion, content on', async () => {
    const result = await client.chat.completions.create(fullRequest);
    expect(result.choices[0].message.content).toBe('Echo: Say hello world');
    const [span] = await finishedSpans(exporter);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...base(),
      ...fullRequestAttributes,
      'gen_ai.system_instructions': JSON.stringify([text('You are terse.')]),
      'gen_ai.input.messages': JSON.stringify([user('Say hello world')]),
      ...responseMeta(),
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(6, 4, 0.0000033),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text('Echo: Say hello world')], finish_reason: 'stop' }]),
    });
  });

  it.skipIf(!available)('records the complete attribute map of a chat completion, content off', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    await client.chat.completions.create(fullRequest);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      ...base(),
      ...fullRequestAttributes,
      ...responseMeta(),
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(6, 4, 0.0000033),
    });
  });

  it.skipIf(!available)('records tool definitions, tool calls and tool results', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Rome' } });
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const result = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'user', content: 'And in Rome?' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters } }],
    });
    expect(result.choices[0].message.tool_calls[0].function.arguments).toBe('{"city":"Rome"}');
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.input.messages': JSON.stringify([
        user('Weather in Paris?'),
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'sunny' }] },
        user('And in Rome?'),
      ]),
      'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', description: 'Weather', parameters }]),
      ...responseMeta(),
      'gen_ai.response.finish_reasons': ['tool_calls'],
      ...usage(7, 2, 0.00000225),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call-emu-1', name: 'get_weather', arguments: { city: 'Rome' } }], finish_reason: 'tool_call' },
      ]),
    });
  });

  it.skipIf(!available)('records 0 values of temperature, max_tokens, seed and penalties, and n when it is not 1', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    const result = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello world' }],
      temperature: 0,
      top_p: 0,
      max_tokens: 0,
      seed: 0,
      frequency_penalty: 0,
      presence_penalty: 0,
      n: 2,
      stop: ['a', 'b'],
    });
    expect(result.choices).toHaveLength(2);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_p': 0,
      'gen_ai.request.max_tokens': 0,
      'gen_ai.request.seed': 0,
      'gen_ai.request.frequency_penalty': 0,
      'gen_ai.request.presence_penalty': 0,
      'gen_ai.request.choice.count': 2,
      'gen_ai.request.stop_sequences': ['a', 'b'],
      ...responseMeta(),
      'gen_ai.response.finish_reasons': ['length', 'length'],
      ...usage(3, 0, 0.00000045),
    });
  });

  it.skipIf(!available)('records attribution set with withAttribution, also on streamed spans', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    const attribution = { userId: 'user-7', taskId: 'task-3', workerId: 'worker-1', routeBackend: 'openai', routeReason: 'lowest latency' };
    await withAttribution(attribution, () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    await withAttribution(attribution, async () => {
      for await (const _ of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })) void _;
    });
    const spans = await finishedSpans(exporter, 2);
    const expected = {
      'enduser.id': 'user-7',
      'provenance.task.id': 'task-3',
      'provenance.worker.id': 'worker-1',
      'provenance.route.backend': 'openai',
      'provenance.route.reason': 'lowest latency',
    };
    expect(spans[0].attributes).toEqual({
      ...base(),
      ...expected,
      ...responseMeta(1),
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(1, 2, 0.00000135),
    });
    expect(spans[1].attributes).toMatchObject(expected);
  });

  it.skipIf(!available)('reports the providerName option as gen_ai.provider.name, and no cost for an unpriced provider', async () => {
    instrumentation.setConfig({ captureMessageContent: false, providerName: 'vllm' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.provider.name': 'vllm',
      ...responseMeta(),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
    });
  });

  it.skipIf(!available)('prices with a user price table given as an option', async () => {
    instrumentation.setConfig({ captureMessageContent: false, priceTable: { openai: { 'gpt-4o-mini': { input: 1000, output: 2000 } } } });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const [span] = await finishedSpans(exporter);
    expect(span.attributes['gen_ai.usage.cost.amount']).toBe(0.005); // (1 * 1000 + 2 * 2000) / 1M
  });

  it.skipIf(!available)('prefers max_completion_tokens over max_tokens', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 9, max_completion_tokens: 3 });
    const [span] = await finishedSpans(exporter);
    expect(span.attributes['gen_ai.request.max_tokens']).toBe(3);
  });

  it.skipIf(!available)('traces the parse helper once and keeps its parsed result (structured output)', async () => {
    const schema = { type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'], additionalProperties: false };
    const parse =
      major >= 5 ? client.chat.completions.parse.bind(client.chat.completions) : client.beta.chat.completions.parse.bind(client.beta.chat.completions);
    const result = await parse({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Greet me' }],
      response_format: { type: 'json_schema', json_schema: { name: 'greeting', schema, strict: true } },
    });
    const content = result.choices[0].message.content;
    expect(result.choices[0].message.parsed).toEqual(JSON.parse(content));
    expect(result._request_id).toBe('req_emu_1');
    const spans = await finishedSpans(exporter);
    expect(spans).toHaveLength(1);
    const outputTokens = content.split(/\s+/).filter(Boolean).length;
    expect(spans[0].attributes).toEqual({
      ...base(),
      'gen_ai.output.type': 'json',
      'gen_ai.input.messages': JSON.stringify([user('Greet me')]),
      ...responseMeta(),
      'gen_ai.response.finish_reasons': ['stop'],
      ...usage(2, outputTokens, Math.round(((2 * 0.15 + outputTokens * 0.6) / 1e6) * 1e12) / 1e12),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text(content)], finish_reason: 'stop' }]),
    });
  });

  it.skipIf(!available)('does not break withResponse() and asResponse() on a plain call', async () => {
    const { data, response, request_id } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe('Echo: hi');
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_emu_1');
    const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).asResponse();
    expect(await raw.json()).toMatchObject({ id: 'chatcmpl-emu-2' });
    const spans = await finishedSpans(exporter, 2);
    expect(spans.map((s) => s.attributes['provenance.provider.request_id'])).toEqual(['req_emu_1', 'req_emu_2']);
  });

  it.skipIf(!available)('traces each model call of the runTools helper, tool results included', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Rome' } });
    const completions = major >= 5 ? client.chat.completions : client.beta.chat.completions;
    const runner = completions.runTools({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            function: (args: { city: string }) => `sunny in ${args.city}`,
            parse: JSON.parse,
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe('Echo: Weather in Rome?');
    const spans = await finishedSpans(exporter, 2);
    expect(spans.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['tool_calls'], ['stop']]);
    const secondInput = JSON.parse(String(spans[1].attributes['gen_ai.input.messages']));
    expect(secondInput[2]).toEqual({ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call-emu-1', response: 'sunny in Rome' }] });
  });

  describe('streaming', () => {
    const streamBase = () => ({ ...base(), 'gen_ai.request.stream': true, 'gen_ai.response.time_to_first_chunk': expect.any(Number) });
    /** A stream the app asked no usage for: the instrumentation asked for it (stream-usage.test.ts). */
    const askedUsage = { 'provenance.usage.requested': true };

    it.skipIf(!available)('records usage from the usage chunk (stream_options.include_usage), content on', async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Say hello world' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let out = '';
      for await (const chunk of stream) out += chunk.choices[0]?.delta?.content ?? '';
      expect(out).toBe('Echo: Say hello world');
      const [span] = await finishedSpans(exporter);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...streamBase(),
        'gen_ai.input.messages': JSON.stringify([user('Say hello world')]),
        ...responseMeta(),
        'gen_ai.response.finish_reasons': ['stop'],
        ...usage(3, 4, 0.00000285),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text('Echo: Say hello world')], finish_reason: 'stop' }]),
      });
      expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    });

    it.skipIf(!available)('records usage and cost of a stream without include_usage (asked for on its behalf); content off', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }], stream: true });
      for await (const _ of stream) void _;
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({
        ...streamBase(),
        ...askedUsage,
        ...responseMeta(),
        'gen_ai.response.finish_reasons': ['stop'],
        ...usage(3, 4, 0.00000285),
      });
    });

    it.skipIf(!available)('marks the tokens unknown when the provider sends no usage chunk although asked', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      emu.enqueue({ kind: 'no_usage' });
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of stream) void _;
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({ ...streamBase(), ...responseMeta(), 'gen_ai.response.finish_reasons': ['stop'], 'provenance.usage.unknown': true });
    });

    it.skipIf(!available)('ends the span when the consumer breaks out of the loop, keeping what was streamed', async () => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three four' }], stream: true });
      let seen = 0;
      for await (const _ of stream) {
        void _;
        if (++seen === 2) break;
      }
      const [span] = await finishedSpans(exporter);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...streamBase(),
        ...askedUsage,
        'gen_ai.input.messages': JSON.stringify([user('one two three four')]),
        ...responseMeta(),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text('Echo:')], finish_reason: 'error' }]),
      });
    });

    it.skipIf(!available)('ends the span as aborted when the AbortController fires mid-stream', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      const ac = new AbortController();
      slowEmu.enqueue({ kind: 'hold_after', chunks: 2 });
      const stream = await slowClient.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a b c d e f g h' }], stream: true },
        { signal: ac.signal },
      );
      let seen = 0;
      try {
        for await (const _ of stream) {
          void _;
          if (++seen === 2) ac.abort();
        }
      } catch {
        // some majors end the loop quietly, others throw; both are the SDK's business
      }
      expect(seen).toBeLessThan(11);
      const [span] = await finishedSpans(exporter);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.any(String) });
      expect(span.attributes).toEqual({
        ...streamBase(),
        ...askedUsage,
        'server.port': slowEmu.port,
        ...responseMeta(),
        'error.type': 'APIUserAbortError',
      });
    });

    it.skipIf(!available)('does not prevent usage of tee(): both branches get every chunk, one span', async () => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Say hello world' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const [left, right] = stream.tee();
      const read = async (s: any) => {
        let out = '';
        for await (const chunk of s) out += chunk.choices[0]?.delta?.content ?? '';
        return out;
      };
      expect(await read(left)).toBe('Echo: Say hello world');
      expect(await read(right)).toBe('Echo: Say hello world');
      const spans = await finishedSpans(exporter);
      expect(spans).toHaveLength(1);
      expect(spans[0].attributes).toEqual({
        ...streamBase(),
        'gen_ai.input.messages': JSON.stringify([user('Say hello world')]),
        ...responseMeta(),
        'gen_ai.response.finish_reasons': ['stop'],
        ...usage(3, 4, 0.00000285),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text('Echo: Say hello world')], finish_reason: 'stop' }]),
      });
    });

    it.skipIf(!available)('does not prevent toReadableStream()', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
      const reader = stream.toReadableStream().getReader();
      const lines: string[] = [];
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        lines.push(new TextDecoder().decode(value));
      }
      expect(lines.join('')).toContain('"content":" hi"');
      expect(lines.join('')).not.toContain('usage');
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({
        ...streamBase(),
        ...askedUsage,
        ...responseMeta(),
        'gen_ai.response.finish_reasons': ['stop'],
        ...usage(1, 2, 0.00000135),
      });
    });

    it.skipIf(!available)('does not break withResponse() on a stream', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      const { data, response, request_id } = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })
        .withResponse();
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(request_id).toBe('req_emu_1');
      let out = '';
      for await (const chunk of data) out += chunk.choices[0]?.delta?.content ?? '';
      expect(out).toBe('Echo: hi');
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({
        ...streamBase(),
        ...askedUsage,
        ...responseMeta(),
        'gen_ai.response.finish_reasons': ['stop'],
        ...usage(1, 2, 0.00000135),
      });
    });

    it.skipIf(!available)('records an error mid-stream and rethrows it unchanged', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      emu.enqueue({ kind: 'stream_error_after', chunks: 3 });
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a b c d e f' }], stream: true });
      let caught: any;
      let seen = 0;
      try {
        for await (const _ of stream) {
          void _;
          seen++;
        }
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(Error);
      expect(seen).toBe(3);
      const [span] = await finishedSpans(exporter);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: caught.message });
      expect(span.attributes).toEqual({ ...streamBase(), ...askedUsage, ...responseMeta(), 'error.type': caught.constructor.name });
    });

    it.skipIf(!available)('traces the chat.completions.stream() helper once', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      const completions = major >= 5 ? client.chat.completions : client.beta.chat.completions;
      const runner = completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi there' }] });
      const final = await runner.finalChatCompletion();
      expect(final.choices[0].message.content).toBe('Echo: hi there');
      // The usage chunk the instrumentation asked for is hidden from the helper too.
      expect(final.usage).toBeUndefined();
      const spans = await finishedSpans(exporter);
      expect(spans).toHaveLength(1);
      expect(spans[0].attributes).toEqual({
        ...streamBase(),
        ...askedUsage,
        ...responseMeta(),
        'gen_ai.response.finish_reasons': ['stop'],
        ...usage(2, 3, 0.0000021),
      });
    });
  });
});
