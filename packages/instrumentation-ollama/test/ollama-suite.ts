import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@llm-provenance/provider-emulators';
import { useEmulator } from '@llm-provenance/test-support';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { type setupTracing, waitForSpans } from './tracing.js';

type Tracing = ReturnType<typeof setupTracing>;

/** Span attributes every call to the emulator carries. */
function base(emu: Emulator, operation: string, model: string) {
  return {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': 'ollama',
    'gen_ai.request.model': model,
    'server.address': '127.0.0.1',
    'server.port': emu.port,
  };
}

/** Ollama's local models cost 0 (built-in price table `ollama: { '*': 0 }`). */
const ZERO_COST = { 'gen_ai.usage.cost.amount': 0, 'gen_ai.usage.cost.currency': 'USD', 'gen_ai.usage.cost.source': 'price_table' };

/** The emulator's durations: load 1 ms, 1 ms per prompt token, 2 ms per generated token (in ns). */
function durations(promptTokens: number, evalTokens: number) {
  return {
    'ollama.response.total_duration': 1_000_000 + promptTokens * 1_000_000 + evalTokens * 2_000_000,
    'ollama.response.load_duration': 1_000_000,
    'ollama.response.prompt_eval_duration': promptTokens * 1_000_000,
    'ollama.response.eval_duration': evalTokens * 2_000_000,
  };
}

function userMessages(text: string) {
  return JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: text }] }]);
}
function assistantOutput(text: string, finish = 'stop') {
  return JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: finish }]);
}

/**
 * The behaviour every supported ollama-js version must show. `load()` returns the SDK module; it is
 * called after the instrumentation is enabled.
 */
export function ollamaSuite(label: string, load: () => any, tracing: Tracing) {
  describe(`ollama ${label}`, () => {
    const emu = useEmulator();
    let Ollama: any;
    let client: any;

    beforeAll(async () => {
      Ollama = load().Ollama;
      client = new Ollama({ host: emu.url });
    });
    afterEach(() => {
      tracing.exporter.reset();
      emu.reset();
    });

    it('records every conventions attribute of a plain chat call, and returns the SDK response untouched', async () => {
      const response = await client.chat({
        model: 'llama3.2',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello' },
        ],
        options: {
          temperature: 0,
          top_p: 0.9,
          top_k: 40,
          num_predict: 50,
          stop: ['END'],
          seed: 7,
          frequency_penalty: 0.1,
          presence_penalty: 0.2,
          num_ctx: 4096,
        },
        keep_alive: '5m',
      });
      expect(response.message).toEqual({ role: 'assistant', content: 'Echo: Say hello' });
      expect(response.eval_count).toBe(3);

      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.name).toBe('chat llama3.2');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...base(emu, 'chat', 'llama3.2'),
        'gen_ai.request.max_tokens': 50,
        'gen_ai.request.temperature': 0,
        'gen_ai.request.top_p': 0.9,
        'gen_ai.request.top_k': 40,
        'gen_ai.request.frequency_penalty': 0.1,
        'gen_ai.request.presence_penalty': 0.2,
        'gen_ai.request.stop_sequences': ['END'],
        'gen_ai.request.seed': 7,
        'gen_ai.request.stream': false,
        'ollama.request.num_ctx': 4096,
        'ollama.request.keep_alive': '5m',
        'gen_ai.input.messages': JSON.stringify([
          { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
          { role: 'user', parts: [{ type: 'text', content: 'Say hello' }] },
        ]),
        'gen_ai.response.model': 'llama3.2',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 5,
        'gen_ai.usage.output_tokens': 3,
        ...durations(5, 3),
        ...ZERO_COST,
        'gen_ai.output.messages': assistantOutput('Echo: Say hello'),
      });
    });

    it('traces the default export instance as well as new Ollama({ host })', async () => {
      const ollama = load().default;
      // The default instance is built at import time for 127.0.0.1:11434; point it at the emulator.
      const originalHost = ollama.config.host;
      ollama.config.host = emu.url;
      try {
        await ollama.chat({ model: 'qwen3', messages: [{ role: 'user', content: 'hi' }] });
      } finally {
        ollama.config.host = originalHost;
      }
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.attributes).toEqual({
        ...base(emu, 'chat', 'qwen3'),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('hi'),
        'gen_ai.response.model': 'qwen3',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 1,
        'gen_ai.usage.output_tokens': 2,
        ...durations(1, 2),
        ...ZERO_COST,
        'gen_ai.output.messages': assistantOutput('Echo: hi'),
      });
    });

    it('ends a streamed chat when the NDJSON stream completes, with usage and durations from the done line', async () => {
      const stream = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'stream three words' }], stream: true });
      // The SDK's own object: its class, its abort(), still in the client's list of ongoing streams.
      expect(stream.constructor.name).toBe('AbortableAsyncIterator');
      expect(typeof stream.abort).toBe('function');
      expect(client.ongoingStreamedRequests).toContain(stream);
      const pieces: string[] = [];
      for await (const chunk of stream) pieces.push(chunk.message.content);
      expect(pieces).toEqual(['Echo:', ' stream', ' three', ' words', '']);

      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...base(emu, 'chat', 'llama3.2'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('stream three words'),
        'gen_ai.response.model': 'llama3.2',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 4,
        ...durations(3, 4),
        ...ZERO_COST,
        'gen_ai.output.messages': assistantOutput('Echo: stream three words'),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
      expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    });

    it('ends the span when the consumer breaks out of the stream, keeping the partial output', async () => {
      const stream = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'stop after two' }], stream: true });
      const pieces: string[] = [];
      for await (const chunk of stream) {
        pieces.push(chunk.message.content);
        if (pieces.length === 2) break;
      }
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes).toEqual({
        ...base(emu, 'chat', 'llama3.2'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('stop after two'),
        'gen_ai.response.model': 'llama3.2',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: stop' }], finish_reason: 'error' }]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
    });

    it('keeps abort() working mid-stream and ends the span as aborted', async () => {
      // Held after the first line (`hold_after`), so the abort lands while the next line is still owed.
      const slow = await startEmulator();
      slow.enqueue({ kind: 'hold_after', chunks: 1 });
      const slowClient = new Ollama({ host: slow.url });
      const stream = await slowClient.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'abort me soon' }], stream: true });
      const pieces: string[] = [];
      let caught: unknown;
      try {
        for await (const chunk of stream) {
          pieces.push(chunk.message.content);
          if (pieces.length === 1) stream.abort();
        }
      } catch (err) {
        caught = err;
      }
      await slow.close();
      expect((caught as Error)?.name).toBe('AbortError');
      expect(pieces).toEqual(['Echo:']);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toEqual({
        ...base(slow, 'chat', 'llama3.2'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('abort me soon'),
        'gen_ai.response.model': 'llama3.2',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo:' }], finish_reason: 'error' }]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        'error.type': 'AbortError',
      });
    });

    it('ends the span when a stream nobody iterates is aborted (directly or via client.abort())', async () => {
      const first = await client.generate({ model: 'llama3.2', prompt: 'never read', stream: true });
      first.abort();
      const second = await client.generate({ model: 'llama3.2', prompt: 'never read either', stream: true });
      client.abort();
      const spans = await waitForSpans(tracing.exporter, 2);
      for (const [span, prompt] of [
        [spans[0], 'never read'],
        [spans[1], 'never read either'],
      ] as const) {
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        expect(span.attributes).toEqual({
          ...base(emu, 'text_completion', 'llama3.2'),
          'gen_ai.request.stream': true,
          'gen_ai.input.messages': userMessages(prompt),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [], finish_reason: 'error' }]),
          'error.type': 'AbortError',
        });
      }
      await expect(
        (async () => {
          for await (const _ of second) void _;
        })(),
      ).rejects.toMatchObject({ name: 'AbortError' });
    });

    it('records an error when the connection drops mid-stream, and rethrows it unchanged', async () => {
      emu.enqueue({ kind: 'stream_error_after', chunks: 2 });
      const stream = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'cut me off please' }], stream: true });
      const pieces: string[] = [];
      let caught: any;
      try {
        for await (const chunk of stream) pieces.push(chunk.message.content);
      } catch (err) {
        caught = err;
      }
      expect(pieces).toEqual(['Echo:', ' cut']);
      expect(caught).toBeInstanceOf(Error);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.status.message).toBe(caught.message);
      expect(span.attributes).toEqual({
        ...base(emu, 'chat', 'llama3.2'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('cut me off please'),
        'gen_ai.response.model': 'llama3.2',
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: cut' }], finish_reason: 'error' }]),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        'error.type': caught.constructor.name,
      });
    });

    it('records tool definitions and the tool call the model makes', async () => {
      emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
      const tools = [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ];
      const response = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
      expect(response.message.tool_calls).toEqual([{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }]);
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span.attributes).toEqual({
        ...base(emu, 'chat', 'llama3.2'),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('Weather in Paris?'),
        'gen_ai.tool.definitions': JSON.stringify([
          { type: 'function', name: 'get_weather', description: 'Weather for a city', parameters: tools[0].function.parameters },
        ]),
        'gen_ai.response.model': 'llama3.2',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 3,
        'gen_ai.usage.output_tokens': 2,
        ...durations(3, 2),
        ...ZERO_COST,
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
        ]),
      });
    });

    it('records an error response (404) and a rate limit (429) with error.type and the HTTP status', async () => {
      emu.enqueue({ kind: 'error', status: 404, message: 'model "nope" not found, try pulling it first' });
      const notFound = await client.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
      expect(notFound).toMatchObject({ name: 'ResponseError', status_code: 404, message: 'model "nope" not found, try pulling it first' });
      emu.enqueue({ kind: 'error', status: 429, message: 'too many requests', retryAfter: 2 });
      const limited = await client.embed({ model: 'nomic-embed-text', input: 'x' }).catch((e: unknown) => e);
      expect(limited).toMatchObject({ name: 'ResponseError', status_code: 429 });

      const [a, b] = await waitForSpans(tracing.exporter, 2);
      expect(a.status).toEqual({ code: SpanStatusCode.ERROR, message: 'model "nope" not found, try pulling it first' });
      expect(a.attributes).toEqual({
        ...base(emu, 'chat', 'nope'),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('x'),
        'error.type': '404',
        'http.response.status_code': 404,
      });
      expect(b.attributes).toEqual({
        ...base(emu, 'embeddings', 'nomic-embed-text'),
        'gen_ai.input.messages': userMessages('x'),
        'error.type': '429',
        'http.response.status_code': 429,
      });
      expect(a.events.map((e) => e.name)).toEqual(['exception']);
    });

    it('fingerprints the bearer token of an authenticated Ollama server and keeps it out of error messages', async () => {
      // Ollama behind an authenticating proxy (or ollama.com) takes `Authorization: Bearer <key>` from
      // the client's `headers`; like every other backend, the span names the key only by fingerprint.
      const token = 'ollama-proxy-0123456789';
      const authed = new Ollama({ host: emu.url, headers: { Authorization: `Bearer ${token}` } });
      await authed.embeddings({ model: 'nomic-embed-text', prompt: 'hi' });
      emu.enqueue({ kind: 'error', status: 401, message: `token ${token} is not allowed` });
      const refused = await authed.embeddings({ model: 'nomic-embed-text', prompt: 'hi' }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ name: 'ResponseError', status_code: 401, message: `token ${token} is not allowed` });
      expect(emu.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);

      const [ok, failed] = await waitForSpans(tracing.exporter, 2);
      const fingerprint = { 'provenance.credential.fingerprint': fingerprintCredential(token) };
      expect(ok.attributes).toEqual({
        ...base(emu, 'embeddings', 'nomic-embed-text'),
        ...fingerprint,
        'gen_ai.input.messages': userMessages('hi'),
        'gen_ai.embeddings.dimension.count': 768,
        'provenance.usage.unknown': true,
      });
      expect(failed.attributes).toEqual({
        ...base(emu, 'embeddings', 'nomic-embed-text'),
        ...fingerprint,
        'gen_ai.input.messages': userMessages('hi'),
        'error.type': '401',
        'http.response.status_code': 401,
      });
      expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'token [REDACTED] is not allowed' });
      expect(JSON.stringify([failed.attributes, failed.status, failed.events])).not.toContain(token);
    });

    it('records generate() as text_completion with its system prompt, streamed or not', async () => {
      const result = await client.generate({ model: 'llama3.2', prompt: 'Write one line', system: 'Be brief', options: { num_predict: 2 } });
      expect(result.response).toBe('Echo: Write');
      expect(result.done_reason).toBe('length');
      const stream = await client.generate({ model: 'llama3.2', prompt: 'Write two', stream: true });
      let text = '';
      for await (const part of stream) text += part.response;
      expect(text).toBe('Echo: Write two');

      const [plain, streamed] = await waitForSpans(tracing.exporter, 2);
      expect(plain.name).toBe('text_completion llama3.2');
      expect(plain.attributes).toEqual({
        ...base(emu, 'text_completion', 'llama3.2'),
        'gen_ai.request.max_tokens': 2,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('Write one line'),
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief' }]),
        'gen_ai.response.model': 'llama3.2',
        'gen_ai.response.finish_reasons': ['length'],
        'gen_ai.usage.input_tokens': 5,
        'gen_ai.usage.output_tokens': 2,
        ...durations(5, 2),
        ...ZERO_COST,
        'gen_ai.output.messages': assistantOutput('Echo: Write', 'length'),
      });
      expect(streamed.attributes).toEqual({
        ...base(emu, 'text_completion', 'llama3.2'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('Write two'),
        'gen_ai.response.model': 'llama3.2',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 2,
        'gen_ai.usage.output_tokens': 3,
        ...durations(2, 3),
        ...ZERO_COST,
        'gen_ai.output.messages': assistantOutput('Echo: Write two'),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
    });

    it('records embed() and the legacy embeddings() with the vector length', async () => {
      const embedded = await client.embed({ model: 'nomic-embed-text', input: ['first text', 'second one here'], dimensions: 16 });
      expect(embedded.embeddings.map((v: number[]) => v.length)).toEqual([16, 16]);
      const legacy = await client.embeddings({ model: 'nomic-embed-text', prompt: 'legacy text' });
      expect(legacy.embedding).toHaveLength(768);

      const [a, b] = await waitForSpans(tracing.exporter, 2);
      expect(a.name).toBe('embeddings nomic-embed-text');
      expect(a.attributes).toEqual({
        ...base(emu, 'embeddings', 'nomic-embed-text'),
        'gen_ai.input.messages': JSON.stringify([
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'first text' },
              { type: 'text', content: 'second one here' },
            ],
          },
        ]),
        'gen_ai.response.model': 'nomic-embed-text',
        'gen_ai.usage.input_tokens': 5,
        'gen_ai.embeddings.dimension.count': 16,
        'ollama.response.total_duration': 6_000_000,
        'ollama.response.load_duration': 1_000_000,
        ...ZERO_COST,
      });
      expect(b.attributes).toEqual({
        ...base(emu, 'embeddings', 'nomic-embed-text'),
        'gen_ai.input.messages': userMessages('legacy text'),
        'gen_ai.embeddings.dimension.count': 768,
        // The legacy endpoint reports no token counts: marked unknown, not silently absent.
        'provenance.usage.unknown': true,
      });
    });
  });
}
