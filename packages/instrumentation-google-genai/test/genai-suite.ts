import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { startEmulator, type Emulator } from '@llm-provenance/provider-emulators';
import { useEmulator } from '@llm-provenance/test-support';
import { waitForSpans, type Tracing } from './tracing.js';

const API_KEY = 'test-gemini-key';

function base(emu: Emulator, model: string, provider = 'gcp.gemini', operation = 'generate_content') {
  return {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': model,
    'server.address': '127.0.0.1',
    'server.port': emu.port,
    'provenance.credential.fingerprint': fingerprintCredential(API_KEY),
  };
}

/** Built-in list price of gemini-2.5-flash: $0.30 / $2.50 per 1M input / output tokens. */
function flashCost(input: number, output: number) {
  return {
    'gen_ai.usage.cost.amount': Math.round(((input * 0.3 + output * 2.5) / 1e6) * 1e12) / 1e12,
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  };
}

const user = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });
const answer = (text: string, finish = 'stop') => ({ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finish });

/** Behaviour every supported @google/genai major must show; `load()` runs after instrumentation. */
export function googleGenAISuite(label: string, load: () => any, tracing: Tracing, skip: string | false = false) {
  describe.skipIf(skip)(`@google/genai ${label}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    const emu = useEmulator();
    let ai: any;
    let GoogleGenAI: any;

    beforeAll(async () => {
      GoogleGenAI = load().GoogleGenAI;
      ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: emu.url } });
    });
    afterEach(() => {
      tracing.exporter.reset();
      emu.reset();
    });

    it('records every request parameter, usage, cost and content of models.generateContent', async () => {
      const response = await ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'Why is the sky blue?',
        config: {
          systemInstruction: 'Answer briefly.',
          temperature: 0,
          topP: 0.95,
          topK: 40,
          maxOutputTokens: 100,
          stopSequences: ['END'],
          seed: 42,
          presencePenalty: 0.5,
          frequencyPenalty: 0.25,
          candidateCount: 1,
        },
      });
      expect(response.text).toBe('Echo: Why is the sky blue?');
      expect(response).toBeInstanceOf(load().GenerateContentResponse);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.name).toBe('generate_content gemini-2.5-flash');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.temperature': 0,
        'gen_ai.request.top_p': 0.95,
        'gen_ai.request.top_k': 40,
        'gen_ai.request.max_tokens': 100,
        'gen_ai.request.stop_sequences': ['END'],
        'gen_ai.request.seed': 42,
        'gen_ai.request.presence_penalty': 0.5,
        'gen_ai.request.frequency_penalty': 0.25,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('Why is the sky blue?')]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 6,
        ...flashCost(7, 6),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: Why is the sky blue?')]),
      });
    });

    it('keeps Gemini’s own finishReason in finish_reasons and the conventions’ value in the output message, streamed', async () => {
      const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'one two three', config: { maxOutputTokens: 2 } });
      for await (const _ of stream) void _;
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.max_tokens': 2,
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([user('one two three')]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['MAX_TOKENS'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 2,
        ...flashCost(3, 2),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: one', 'length')]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
    });

    it('counts thinking tokens in output_tokens and reports cached and reasoning tokens', async () => {
      emu.enqueue({ kind: 'reasoning', tokens: 10 });
      await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'think about it' });
      emu.enqueue({ kind: 'cache', read: 100 });
      await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'cached prompt', config: { responseMimeType: 'application/json' } });
      const [thinking, cached] = await waitForSpans(tracing.exporter, 2);
      expect(thinking.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('think about it')]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 3,
        // 4 candidate tokens + 10 thoughts (Gemini reports thoughts outside candidatesTokenCount)
        'gen_ai.usage.output_tokens': 14,
        'gen_ai.usage.reasoning.output_tokens': 10,
        ...flashCost(3, 14),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: think about it')]),
      });
      // 2 prompt words + 100 cached tokens; cached tokens are billed at $0.075 / 1M
      const json = JSON.stringify('Echo: cached prompt');
      expect(cached.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': false,
        'gen_ai.output.type': 'json',
        'gen_ai.input.messages': JSON.stringify([user('cached prompt')]),
        'gen_ai.response.id': 'gemini-emu-2',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 102,
        'gen_ai.usage.output_tokens': 3,
        'gen_ai.usage.cache_read.input_tokens': 100,
        'gen_ai.usage.cost.amount': Math.round(((2 * 0.3 + 100 * 0.075 + 3 * 2.5) / 1e6) * 1e12) / 1e12,
        'gen_ai.usage.cost.currency': 'USD',
        'gen_ai.usage.cost.source': 'price_table',
        'gen_ai.output.messages': JSON.stringify([answer(json)]),
      });
    });

    it('ends a generateContentStream span when the async generator completes', async () => {
      const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stream three words' });
      expect(Object.prototype.toString.call(stream)).toBe('[object Object]');
      expect(typeof stream.next).toBe('function');
      expect(stream[Symbol.asyncIterator]()).toBe(stream);
      const pieces: string[] = [];
      for await (const chunk of stream) pieces.push(chunk.text);
      expect(pieces).toEqual(['Echo:', ' stream', ' three', ' words']);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([user('stream three words')]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 4,
        ...flashCost(3, 4),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: stream three words')]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
    });

    it('ends the span when the consumer breaks out of the stream, keeping partial output and usage', async () => {
      const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'stop after two' });
      const pieces: string[] = [];
      for await (const chunk of stream) {
        pieces.push(chunk.text);
        if (pieces.length === 2) break;
      }
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([user('stop after two')]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 2,
        ...flashCost(3, 2),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: stop', 'error')]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
    });

    it('records an aborted stream (config.abortSignal) and rethrows the abort unchanged', async () => {
      // Held after the first event (`hold_after`), so the abort lands while the rest is still owed.
      const slow = await startEmulator();
      slow.enqueue({ kind: 'hold_after', chunks: 1 });
      const slowAi = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: slow.url } });
      const controller = new AbortController();
      const stream = await slowAi.models.generateContentStream({
        model: 'gemini-2.5-flash',
        contents: 'abort me soon',
        config: { abortSignal: controller.signal },
      });
      const pieces: string[] = [];
      let caught: any;
      try {
        for await (const chunk of stream) {
          pieces.push(chunk.text);
          controller.abort();
        }
      } catch (err) {
        caught = err;
      }
      await slow.close();
      expect(caught?.name).toBe('AbortError');
      expect(pieces).toEqual(['Echo:']);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toEqual({
        ...base(slow, 'gemini-2.5-flash'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([user('abort me soon')]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 1,
        ...flashCost(3, 1),
        'gen_ai.output.messages': JSON.stringify([answer('Echo:', 'error')]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        'error.type': 'AbortError',
      });
    });

    it('records an error when the connection drops mid-stream', async () => {
      emu.enqueue({ kind: 'stream_error_after', chunks: 2 });
      const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'cut me off please' });
      const pieces: string[] = [];
      let caught: any;
      try {
        for await (const chunk of stream) pieces.push(chunk.text);
      } catch (err) {
        caught = err;
      }
      expect(pieces).toEqual(['Echo:', ' cut']);
      expect(caught).toBeInstanceOf(Error);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: caught.message });
      expect(span.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([user('cut me off please')]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.usage.input_tokens': 4,
        'gen_ai.usage.output_tokens': 2,
        ...flashCost(4, 2),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: cut', 'error')]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        'error.type': caught.constructor.name,
      });
    });

    it('records function declarations and the function call the model makes', async () => {
      emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
      const declaration = {
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
      };
      const response = await ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'Weather in Paris?',
        config: { tools: [{ functionDeclarations: [declaration] }] },
      });
      expect(response.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('Weather in Paris?')]),
        'gen_ai.tool.definitions': JSON.stringify([
          { type: 'function', name: 'get_weather', description: 'Weather for a city', parameters: declaration.parameters },
        ]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 2,
        ...flashCost(3, 2),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
        ]),
      });
    });

    it('records error responses and rate limits with the HTTP status as error.type', async () => {
      emu.enqueue({ kind: 'error', status: 429, retryAfter: 7 });
      const limited = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }).catch((e: unknown) => e);
      expect(limited).toMatchObject({ name: 'ApiError', status: 429 });
      emu.enqueue({ kind: 'error', status: 400, message: 'API key not valid. Please pass a valid API key.' });
      const invalid = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'y' }).catch((e: unknown) => e);
      expect(invalid).toMatchObject({ name: 'ApiError', status: 400 });
      const [a, b] = await waitForSpans(tracing.exporter, 2);
      expect(a.status).toEqual({ code: SpanStatusCode.ERROR, message: (limited as Error).message });
      expect(a.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('x')]),
        'error.type': '429',
        'http.response.status_code': 429,
      });
      expect(b.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([user('y')]),
        'error.type': '400',
        'http.response.status_code': 400,
      });
    });

    it('traces chats: every sendMessage / sendMessageStream is a span carrying the whole history', async () => {
      const chat = ai.chats.create({ model: 'gemini-2.5-flash', config: { systemInstruction: 'Be kind.' } });
      expect((await chat.sendMessage({ message: 'first question' })).text).toBe('Echo: first question');
      const stream = await chat.sendMessageStream({ message: 'second' });
      let text = '';
      for await (const chunk of stream) text += chunk.text;
      expect(text).toBe('Echo: second');
      const [first, second] = await waitForSpans(tracing.exporter, 2);
      expect(first.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('first question')]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be kind.' }]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 4,
        'gen_ai.usage.output_tokens': 3,
        ...flashCost(4, 3),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: first question')]),
      });
      expect(second.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([
          user('first question'),
          { role: 'assistant', parts: [{ type: 'text', content: 'Echo: first question' }] },
          user('second'),
        ]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be kind.' }]),
        'gen_ai.response.id': 'gemini-emu-2',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 8,
        'gen_ai.usage.output_tokens': 2,
        ...flashCost(8, 2),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: second')]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
    });

    it('records embedContent as an embeddings span with the vector length', async () => {
      const result = await ai.models.embedContent({ model: 'text-embedding-004', contents: ['first text', 'second'], config: { outputDimensionality: 32 } });
      expect(result.embeddings.map((e: any) => e.values.length)).toEqual([32, 32]);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.name).toBe('embeddings text-embedding-004');
      expect(span.attributes).toEqual({
        ...base(emu, 'text-embedding-004', 'gcp.gemini', 'embeddings'),
        'gen_ai.input.messages': JSON.stringify([
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'first text' },
              { type: 'text', content: 'second' },
            ],
          },
        ]),
        'gen_ai.embeddings.dimension.count': 32,
        // The Gemini API reports no token counts for embeddings: marked unknown, not silently absent.
        'provenance.usage.unknown': true,
      });
    });

    it('takes Vertex AI embedding token counts from the per-input statistics', async () => {
      const vertex = new GoogleGenAI({ vertexai: true, apiKey: API_KEY, httpOptions: { baseUrl: emu.url } });
      const result = await vertex.models.embedContent({
        model: 'text-embedding-005',
        contents: ['one two three', 'four'],
        config: { outputDimensionality: 16 },
      });
      expect(result.embeddings.map((e: any) => e.statistics.tokenCount)).toEqual([3, 1]);
      expect(emu.requests[0].path).toBe('/v1beta1/publishers/google/models/text-embedding-005:predict');
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.attributes).toEqual({
        ...base(emu, 'text-embedding-005', 'gcp.vertex_ai', 'embeddings'),
        'gen_ai.input.messages': JSON.stringify([
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'one two three' },
              { type: 'text', content: 'four' },
            ],
          },
        ]),
        'gen_ai.usage.input_tokens': 4,
        'gen_ai.embeddings.dimension.count': 16,
      });
    });

    it('names the provider gcp.vertex_ai for a Vertex AI client', async () => {
      const vertex = new GoogleGenAI({ vertexai: true, apiKey: API_KEY, httpOptions: { baseUrl: emu.url } });
      const response = await vertex.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hello vertex' });
      expect(response.text).toBe('Echo: hello vertex');
      expect(emu.requests[0].path).toBe('/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent');
      const [span] = await waitForSpans(tracing.exporter, 1);
      // No built-in Vertex AI prices: no cost attributes (unknown is not 0).
      expect(span.attributes).toEqual({
        ...base(emu, 'gemini-2.5-flash', 'gcp.vertex_ai'),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('hello vertex')]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-2.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 2,
        'gen_ai.usage.output_tokens': 3,
        'gen_ai.output.messages': JSON.stringify([answer('Echo: hello vertex')]),
      });
    });
  });
}
