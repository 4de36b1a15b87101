import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { useEmulator } from '@llm-provenance/test-support';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { MAJORS, finishedSpans, loadOpenAI, setupTracing } from './helpers.js';

const { exporter, instrumentation } = setupTracing();
const FP = fingerprintCredential('sk-test');
const text = (content: string) => ({ type: 'text', content });
const user = (content: string) => ({ role: 'user', parts: [text(content)] });

describe.each(MAJORS)('completions, embeddings and responses, openai $label', ({ from, available }) => {
  const emu = useEmulator();
  let client: any;

  beforeAll(async () => {
    if (!available) return;
    const OpenAI = loadOpenAI(from);
    client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  beforeEach(() => {
    emu.reset();
    exporter.reset();
    instrumentation.setConfig({});
  });

  const server = () => ({ 'server.address': '127.0.0.1', 'server.port': emu.port, 'provenance.credential.fingerprint': FP });

  describe('legacy completions (text_completion)', () => {
    const base = () => ({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
      ...server(),
      'gen_ai.request.max_tokens': 20,
      'gen_ai.request.temperature': 0.2,
    });
    const result = (n = 1) => ({
      'gen_ai.response.id': `cmpl-emu-${n}`,
      'gen_ai.response.model': 'gpt-3.5-turbo-instruct',
      'gen_ai.response.finish_reasons': ['stop'],
      'provenance.provider.request_id': `req_emu_${n}`,
    });
    const usage = {
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cost.amount': 0.0000125,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
    };
    const request = { model: 'gpt-3.5-turbo-instruct', prompt: 'Say hello world', max_tokens: 20, temperature: 0.2 };

    it.skipIf(!available)('records the complete attribute map, content on', async () => {
      const r = await client.completions.create(request);
      expect(r.choices[0].text).toBe('Echo: Say hello world');
      const [span] = await finishedSpans(exporter);
      expect(span.name).toBe('text_completion gpt-3.5-turbo-instruct');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({
        ...base(),
        'gen_ai.input.messages': JSON.stringify([user('Say hello world')]),
        ...result(),
        ...usage,
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text('Echo: Say hello world')], finish_reason: 'stop' }]),
      });
    });

    it.skipIf(!available)('records the complete attribute map, content off', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      await client.completions.create(request);
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({ ...base(), ...result(), ...usage });
    });

    it.skipIf(!available)('records a streamed completion with its usage chunk', async () => {
      const stream = await client.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
      let out = '';
      for await (const chunk of stream) out += chunk.choices[0]?.text ?? '';
      expect(out).toBe('Echo: Say hello world');
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({
        ...base(),
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        'gen_ai.input.messages': JSON.stringify([user('Say hello world')]),
        ...result(),
        ...usage,
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text('Echo: Say hello world')], finish_reason: 'stop' }]),
      });
    });
  });

  describe('embeddings', () => {
    const base = () => ({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'text-embedding-3-small',
      ...server(),
    });

    it.skipIf(!available)('records the complete attribute map, content on; vectors never reach the span', async () => {
      const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello world', 'foo'] });
      expect(r.data).toHaveLength(2);
      expect(r.data[0].embedding).toHaveLength(1536);
      const [span] = await finishedSpans(exporter);
      expect(span.name).toBe('embeddings text-embedding-3-small');
      expect(span.attributes).toEqual({
        ...base(),
        'gen_ai.input.messages': JSON.stringify([user('hello world'), user('foo')]),
        'gen_ai.response.model': 'text-embedding-3-small',
        'gen_ai.embeddings.dimension.count': 1536,
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.cost.amount': 0.00000006,
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'provenance.provider.request_id': 'req_emu_1',
      });
      const serialized = JSON.stringify(span.attributes);
      expect(serialized).not.toContain(String(r.data[0].embedding[0]));
    });

    it.skipIf(!available)('records encoding format and dimensions, content off', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', dimensions: 256, encoding_format: 'base64' });
      expect(typeof r.data[0].embedding).toBe('string');
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({
        ...base(),
        'gen_ai.request.encoding_formats': ['base64'],
        'gen_ai.embeddings.dimension.count': 256,
        'gen_ai.response.model': 'text-embedding-3-small',
        'gen_ai.usage.input_tokens': 2,
        'gen_ai.usage.cost.amount': 0.00000004,
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'provenance.provider.request_id': 'req_emu_1',
      });
    });
  });

  describe('Responses API', () => {
    const base = () => ({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      ...server(),
      'openai.api.type': 'responses',
    });
    const request = { model: 'gpt-4o-mini', instructions: 'Be brief.', input: 'Say hello world', max_output_tokens: 50, temperature: 0.3, top_p: 1 };
    const requestAttributes = { 'gen_ai.request.max_tokens': 50, 'gen_ai.request.temperature': 0.3, 'gen_ai.request.top_p': 1 };
    const result = (n = 1) => ({
      'gen_ai.response.id': `resp-emu-${n}`,
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.response.finish_reasons': ['completed'],
      'openai.response.service_tier': 'default',
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.usage.cost.amount': 0.00000315,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'provenance.provider.request_id': `req_emu_${n}`,
    });
    const content = {
      'gen_ai.system_instructions': JSON.stringify([text('Be brief.')]),
      'gen_ai.input.messages': JSON.stringify([user('Say hello world')]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text('Echo: Say hello world')], finish_reason: 'stop' }]),
    };

    it.skipIf(!available)('records the complete attribute map, content on', async () => {
      const r = await client.responses.create(request);
      expect(r.output_text).toBe('Echo: Say hello world');
      const [span] = await finishedSpans(exporter);
      expect(span.name).toBe('chat gpt-4o-mini');
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({ ...base(), ...requestAttributes, ...result(), ...content });
    });

    it.skipIf(!available)('records the complete attribute map, content off', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      await client.responses.create(request);
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({ ...base(), ...requestAttributes, ...result() });
    });

    it.skipIf(!available)('records a streamed response from its response.completed event', async () => {
      const stream = await client.responses.create({ ...request, stream: true });
      let out = '';
      for await (const event of stream) if (event.type === 'response.output_text.delta') out += event.delta;
      expect(out).toBe('Echo: Say hello world');
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({
        ...base(),
        ...requestAttributes,
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        ...result(),
        ...content,
      });
    });

    it.skipIf(!available)('records function tools, function calls and function results', async () => {
      emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Rome' } });
      const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
      await client.responses.create({
        model: 'gpt-4o-mini',
        input: [
          { role: 'developer', content: 'Use tools.' },
          { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
          { role: 'user', content: 'And Rome?' },
        ],
        tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters, strict: true }],
      });
      const [span] = await finishedSpans(exporter);
      expect(span.attributes).toEqual({
        ...base(),
        'gen_ai.system_instructions': JSON.stringify([text('Use tools.')]),
        'gen_ai.input.messages': JSON.stringify([
          user('Weather in Paris?'),
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'sunny' }] },
          user('And Rome?'),
        ]),
        'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', description: 'Weather', parameters }]),
        'gen_ai.response.id': 'resp-emu-1',
        'gen_ai.response.model': 'gpt-4o-mini',
        'gen_ai.response.finish_reasons': ['completed'],
        'openai.response.service_tier': 'default',
        'gen_ai.usage.input_tokens': 8,
        'gen_ai.usage.output_tokens': 2,
        'gen_ai.usage.cache_read.input_tokens': 0,
        'gen_ai.usage.reasoning.output_tokens': 0,
        'gen_ai.usage.cost.amount': 0.0000024,
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'provenance.provider.request_id': 'req_emu_1',
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call-emu-1', name: 'get_weather', arguments: { city: 'Rome' } }], finish_reason: 'tool_call' },
        ]),
      });
    });

    it.skipIf(!available)('records cached and reasoning tokens and prices cached input at the cached rate', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      emu.enqueue({ kind: 'cache', read: 4 });
      await client.responses.create(request);
      emu.enqueue({ kind: 'reasoning', tokens: 10 });
      await client.responses.create(request);
      const [cached, reasoning] = await finishedSpans(exporter, 2);
      // 5 input of which 4 cached: 1 * 0.15 + 4 * 0.075 + 4 * 0.6 per 1M
      expect(cached.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(4);
      expect(cached.attributes['gen_ai.usage.cost.amount']).toBe(0.00000285);
      // 4 text + 10 reasoning output tokens: 5 * 0.15 + 14 * 0.6 per 1M
      expect(reasoning.attributes['gen_ai.usage.output_tokens']).toBe(14);
      expect(reasoning.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(10);
      expect(reasoning.attributes['gen_ai.usage.cost.amount']).toBe(0.00000915);
    });

    it.skipIf(!available)('traces the responses.stream() helper once', async () => {
      instrumentation.setConfig({ captureMessageContent: false });
      const stream = client.responses.stream(request);
      const final = await stream.finalResponse();
      // openai 4's ResponseStream does not add the `output_text` convenience field; read the output item.
      expect(final.output[0].content[0].text).toBe('Echo: Say hello world');
      const spans = await finishedSpans(exporter);
      expect(spans).toHaveLength(1);
      expect(spans[0].attributes).toEqual({
        ...base(),
        ...requestAttributes,
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        ...result(),
      });
    });
  });
});
