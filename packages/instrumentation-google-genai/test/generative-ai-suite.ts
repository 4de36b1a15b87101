import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import type { Emulator } from '@llm-provenance/provider-emulators';
import { useEmulator } from '@llm-provenance/test-support';
import { waitForSpans, type Tracing } from './tracing.js';

const API_KEY = 'test-legacy-key';

function base(emu: Emulator, model = 'gemini-1.5-flash', operation = 'generate_content') {
  return {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': 'gcp.gemini',
    'gen_ai.request.model': model,
    'server.address': '127.0.0.1',
    'server.port': emu.port,
    'provenance.credential.fingerprint': fingerprintCredential(API_KEY),
  };
}

/** Built-in list price of gemini-1.5-flash: $0.075 / $0.30 per 1M input / output tokens. */
function cost(input: number, output: number) {
  return {
    'gen_ai.usage.cost.amount': Math.round(((input * 0.075 + output * 0.3) / 1e6) * 1e12) / 1e12,
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  };
}

const user = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });
const answer = (text: string, finish = 'stop') => ({ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finish });

/** Behaviour every supported @google/generative-ai version must show. */
export function generativeAISuite(label: string, load: () => any, tracing: Tracing) {
  describe(`@google/generative-ai ${label}`, () => {
    const emu = useEmulator();
    let genAI: any;
    let model: any;

    beforeAll(async () => {
      genAI = new (load().GoogleGenerativeAI)(API_KEY);
      model = genAI.getGenerativeModel(
        { model: 'gemini-1.5-flash', systemInstruction: 'Answer briefly.', generationConfig: { temperature: 0.2, maxOutputTokens: 64, topK: 3 } },
        { baseUrl: emu.url },
      );
    });
    afterEach(() => {
      tracing.exporter.reset();
      emu.reset();
    });

    it('records generateContent with the model-level system instruction and generation config', async () => {
      const result = await model.generateContent('Why is the sky blue?');
      expect(result.response.text()).toBe('Echo: Why is the sky blue?');
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.name).toBe('generate_content gemini-1.5-flash');
      expect(span.attributes).toEqual({
        ...base(emu),
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.request.top_k': 3,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('Why is the sky blue?')]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-1.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 6,
        ...cost(7, 6),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: Why is the sky blue?')]),
      });
    });

    it('ends a generateContentStream span when the aggregated response settles, even if the consumer breaks', async () => {
      const complete = await model.generateContentStream('stream three words');
      let text = '';
      for await (const chunk of complete.stream) text += chunk.text();
      expect(text).toBe('Echo: stream three words');
      expect((await complete.response).text()).toBe('Echo: stream three words');
      const broken = await model.generateContentStream('break early please');
      for await (const chunk of broken.stream) {
        void chunk;
        break;
      }
      // The span of the broken stream ends when its aggregated response settles, not at the break.
      expect((await broken.response).text()).toBe('Echo: break early please');
      const spans = await waitForSpans(tracing.exporter, 2);
      // The aggregated response carries no responseId/modelVersion, so streamed spans have none.
      const streamed = (prompt: string, reply: string, input: number, output: number) => ({
        ...base(emu),
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.request.top_k': 3,
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([user(prompt)]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
        ...cost(input, output),
        'gen_ai.output.messages': JSON.stringify([answer(reply)]),
      });
      expect(spans[0].attributes).toEqual(streamed('stream three words', 'Echo: stream three words', 5, 4));
      // The SDK reads the whole body for `response` (it tees the stream), so a break still completes.
      expect(spans[1].attributes).toEqual(streamed('break early please', 'Echo: break early please', 5, 4));
    });

    it('records an error when the connection drops mid-stream', async () => {
      emu.enqueue({ kind: 'stream_error_after', chunks: 1 });
      const result = await model.generateContentStream('cut me off please');
      const fromResponse = await result.response.catch((e: unknown) => e);
      const fromStream = await (async () => {
        for await (const chunk of result.stream) void chunk;
      })().catch((e: unknown) => e);
      expect(fromResponse).toBeInstanceOf(Error);
      expect(fromStream).toBeInstanceOf(Error);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: (fromResponse as Error).message.replace(/key=[^&\s]+/, 'key=[REDACTED]') });
      expect(span.attributes).toEqual({
        ...base(emu),
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.request.top_k': 3,
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([user('cut me off please')]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'error.type': (fromResponse as Error).constructor.name,
      });
    });

    it('records chats: sendMessage and sendMessageStream carry the session history', async () => {
      const chat = model.startChat({
        history: [
          { role: 'user', parts: [{ text: 'Hi' }] },
          { role: 'model', parts: [{ text: 'Hello!' }] },
        ],
      });
      expect((await chat.sendMessage('How are you?')).response.text()).toBe('Echo: How are you?');
      const streamed = await chat.sendMessageStream('And now?');
      let text = '';
      for await (const chunk of streamed.stream) text += chunk.text();
      expect(text).toBe('Echo: And now?');
      await streamed.response;
      const [first, second] = await waitForSpans(tracing.exporter, 2);
      const history = [user('Hi'), { role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }] }];
      expect(first.attributes).toEqual({
        ...base(emu),
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.request.top_k': 3,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([...history, user('How are you?')]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-1.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 4,
        ...cost(7, 4),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: How are you?')]),
      });
      expect(second.attributes).toEqual({
        ...base(emu),
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.request.top_k': 3,
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': JSON.stringify([
          ...history,
          user('How are you?'),
          { role: 'assistant', parts: [{ type: 'text', content: 'Echo: How are you?' }] },
          user('And now?'),
        ]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 13,
        'gen_ai.usage.output_tokens': 3,
        ...cost(13, 3),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: And now?')]),
      });
    });

    it('records a chat started without history as just the new user turn', async () => {
      const chat = model.startChat();
      expect((await chat.sendMessage('first words')).response.text()).toBe('Echo: first words');
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.attributes).toEqual({
        ...base(emu),
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.request.top_k': 3,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('first words')]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-1.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 4,
        'gen_ai.usage.output_tokens': 3,
        ...cost(4, 3),
        'gen_ai.output.messages': JSON.stringify([answer('Echo: first words')]),
      });
    });

    it('records a function call and a rate-limit error', async () => {
      const tools = [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city' }] }];
      const toolModel = genAI.getGenerativeModel({ model: 'gemini-1.5-flash', tools }, { baseUrl: emu.url });
      emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Oslo' } });
      const result = await toolModel.generateContent('Weather in Oslo?');
      expect(result.response.functionCalls()).toEqual([{ name: 'get_weather', args: { city: 'Oslo' } }]);
      emu.enqueue({ kind: 'error', status: 429, retryAfter: 5 });
      const err = await toolModel.generateContent('again').catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 429 });
      const [call, limited] = await waitForSpans(tracing.exporter, 2);
      expect(call.attributes).toEqual({
        ...base(emu),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('Weather in Oslo?')]),
        'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', description: 'Weather for a city' }]),
        'gen_ai.response.id': 'gemini-emu-1',
        'gen_ai.response.model': 'gemini-1.5-flash',
        'gen_ai.response.finish_reasons': ['STOP'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 2,
        ...cost(3, 2),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Oslo' } }], finish_reason: 'tool_call' },
        ]),
      });
      expect(limited.status.code).toBe(SpanStatusCode.ERROR);
      expect(limited.attributes).toEqual({
        ...base(emu),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('again')]),
        'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', description: 'Weather for a city' }]),
        'error.type': '429',
        'http.response.status_code': 429,
      });
    });

    it('records an aborted request (requestOptions.signal) as AbortError', async () => {
      emu.enqueue({ kind: 'hang' });
      const controller = new AbortController();
      const pending = model.generateContent('never answered', { signal: controller.signal });
      // Abort once the emulator holds the request, so the abort lands while the SDK awaits the response.
      void emu.received().then(() => controller.abort());
      const err = (await pending.catch((e: unknown) => e)) as Error;
      // 0.22+ throws GoogleGenerativeAIAbortError; 0.21 wraps the abort in a plain GoogleGenerativeAIError.
      const hasAbortClass = typeof load().GoogleGenerativeAIAbortError === 'function';
      expect(err.constructor.name).toBe(hasAbortClass ? 'GoogleGenerativeAIAbortError' : 'GoogleGenerativeAIError');
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toEqual({
        ...base(emu),
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 64,
        'gen_ai.request.top_k': 3,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': JSON.stringify([user('never answered')]),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'error.type': hasAbortClass ? 'AbortError' : 'GoogleGenerativeAIError',
      });
    });

    it('records embedContent and batchEmbedContents', async () => {
      const embedModel = genAI.getGenerativeModel({ model: 'text-embedding-004' }, { baseUrl: emu.url });
      const single = await embedModel.embedContent('embed this text');
      expect(single.embedding.values).toHaveLength(768);
      const batch = await embedModel.batchEmbedContents({
        requests: [{ content: { role: 'user', parts: [{ text: 'a' }] } }, { content: { role: 'user', parts: [{ text: 'b c' }] } }],
      });
      expect(batch.embeddings).toHaveLength(2);
      const [a, b] = await waitForSpans(tracing.exporter, 2);
      expect(a.attributes).toEqual({
        ...base(emu, 'text-embedding-004', 'embeddings'),
        'gen_ai.input.messages': JSON.stringify([user('embed this text')]),
        'gen_ai.embeddings.dimension.count': 768,
        // Gemini reports no token counts for embeddings: marked unknown, not silently absent.
        'provenance.usage.unknown': true,
      });
      expect(b.attributes).toEqual({
        ...base(emu, 'text-embedding-004', 'embeddings'),
        'gen_ai.input.messages': JSON.stringify([
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'a' },
              { type: 'text', content: 'b c' },
            ],
          },
        ]),
        'gen_ai.embeddings.dimension.count': 768,
        'provenance.usage.unknown': true,
      });
    });
  });
}
