import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { tei, tgi } from '@llm-provenance/provider-emulators';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { loadHfInference, SDKS, setupTracing, textOutput, toldStoryResponse, userMessages, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const TOKEN = 'hf_planted_token_0123456789';
const tgiEmu = useEmulator({ providers: [tgi] });
const teiEmu = useEmulator({ providers: [tei] });
resetBeforeEach(tgiEmu, teiEmu, tracing.exporter);

const endpoint = (url: string) => ({
  'server.address': '127.0.0.1',
  'server.port': Number(new URL(url).port),
  'provenance.credential.fingerprint': fingerprintCredential(TOKEN),
});
const tgiBase = (operation: string) => ({ 'gen_ai.operation.name': operation, 'gen_ai.provider.name': 'hf.tgi', ...endpoint(tgiEmu.url) });
const teiBase = () => ({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'hf.tei', ...endpoint(teiEmu.url) });
const chatUsage = (input: number, output: number) => ({
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.cache_read.input_tokens': 0,
  'gen_ai.usage.reasoning.output_tokens': 0,
});

/** No span attribute, event or status message holds the planted token. */
function expectNoToken(spans: readonly { attributes: object; events: object[]; status: object }[]): void {
  for (const span of spans) expect(JSON.stringify([span.attributes, span.events, span.status])).not.toContain(TOKEN);
}

describe.each(Object.entries(SDKS))('%s', (sdkName, sdkPath) => {
  const { InferenceClient, HfInference, chatCompletion } = loadHfInference(sdkPath);
  /** 4.0.x sends text generation to TGI's native routes (`/`), later 4.x to the Messages API's `/v1/completions`. */
  const native = sdkName === 'inference-4.0';

  describe('chatCompletion against a self-hosted TGI (Messages API)', () => {
    it('records the whole attribute map of a plain call through `.endpoint(url)` and returns the result unchanged', async () => {
      const client = new InferenceClient(TOKEN).endpoint(tgiEmu.url);
      const out = await client.chatCompletion({
        model: 'tgi',
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'hello there' },
        ],
        max_tokens: 50,
        temperature: 0,
        seed: 3,
      });
      expect(out.choices[0].message.content).toBe('Echo: hello there');
      const [span] = await waitForSpans(tracing, 1);
      expect(span.name).toBe('chat tgi');
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({
        ...tgiBase('chat'),
        'gen_ai.request.model': 'tgi',
        'gen_ai.request.max_tokens': 50,
        'gen_ai.request.temperature': 0,
        'gen_ai.request.seed': 3,
        'gen_ai.request.stream': false,
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be terse.' }]),
        'gen_ai.input.messages': userMessages('hello there'),
        'gen_ai.response.id': 'chatcmpl-emu-1',
        'gen_ai.response.model': 'tgi',
        'gen_ai.response.finish_reasons': ['stop'],
        ...chatUsage(4, 3),
        'gen_ai.output.messages': textOutput('Echo: hello there'),
      });
      expect(tgiEmu.requests[0]).toMatchObject({ path: '/v1/chat/completions', headers: { authorization: `Bearer ${TOKEN}` } });
    });

    it('streams with the usage chunk, one span ending with the stream', async () => {
      const client = new InferenceClient(TOKEN, { endpointUrl: tgiEmu.url });
      let text = '';
      for await (const chunk of client.chatCompletionStream({
        model: 'tgi',
        messages: [{ role: 'user', content: 'a b c' }],
        stream_options: { include_usage: true },
      })) {
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      expect(text).toBe('Echo: a b c');
      const [span] = await waitForSpans(tracing, 1);
      expect(span.attributes).toEqual({
        ...tgiBase('chat'),
        'gen_ai.request.model': 'tgi',
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('a b c'),
        'gen_ai.response.id': 'chatcmpl-emu-1',
        'gen_ai.response.model': 'tgi',
        'gen_ai.response.finish_reasons': ['stop'],
        ...chatUsage(3, 4),
        'gen_ai.output.messages': textOutput('Echo: a b c'),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
    });

    it('records a TGI error body (429 overloaded) and keeps the token out of the span', async () => {
      tgiEmu.enqueue({ kind: 'error', status: 429 });
      const client = new HfInference(TOKEN).endpoint(tgiEmu.url);
      await expect(client.chatCompletion({ model: 'tgi', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow('Model is overloaded');
      const spans = await waitForSpans(tracing, 1);
      expect(spans[0].status.code).toBe(SpanStatusCode.ERROR);
      expect(spans[0].attributes).toEqual({
        ...tgiBase('chat'),
        'gen_ai.request.model': 'tgi',
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('hi'),
        'error.type': '429',
        'http.response.status_code': 429,
      });
      expectNoToken(spans);
    });

    it('ends a stream cut by the server as an error, with the text received so far', async () => {
      tgiEmu.enqueue({ kind: 'stream_error_after', chunks: 2 });
      const client = new InferenceClient(TOKEN).endpoint(tgiEmu.url);
      let text = '';
      await expect(async () => {
        for await (const chunk of client.chatCompletionStream({ model: 'tgi', messages: [{ role: 'user', content: 'a b c' }] })) {
          text += chunk.choices[0]?.delta?.content ?? '';
        }
      }).rejects.toThrow();
      expect(text).toBe('Echo:');
      const [span] = await waitForSpans(tracing, 1);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes).toEqual({
        ...tgiBase('chat'),
        'gen_ai.request.model': 'tgi',
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('a b c'),
        'gen_ai.response.id': 'chatcmpl-emu-1',
        'gen_ai.response.model': 'tgi',
        'gen_ai.output.messages': textOutput('Echo:', 'error'),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
        'error.type': 'TypeError',
      });
    });
  });

  describe('textGeneration against a self-hosted TGI', () => {
    it('records the prompt, parameters and generated text, and what the result says of finish reason and usage', async () => {
      const client = new InferenceClient(TOKEN).endpoint(tgiEmu.url);
      const out = await client.textGeneration({ inputs: 'tell me a story', parameters: { max_new_tokens: 3, temperature: 0.5, top_k: 4, details: true } });
      expect(out.generated_text).toBe('Echo: tell me');
      const [span] = await waitForSpans(tracing, 1);
      expect(span.name).toBe('text_completion');
      expect(span.attributes).toEqual({
        ...tgiBase('text_completion'),
        'gen_ai.request.max_tokens': 3,
        'gen_ai.request.temperature': 0.5,
        'gen_ai.request.top_k': 4,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('tell me a story'),
        ...toldStoryResponse(native, tgiEmu.url),
      });
      expect(tgiEmu.requests[0].path).toBe(native ? '/' : '/v1/completions');
    });

    it.runIf(native)("counts the prompt's tokens TGI lists in details.prefill when decoder_input_details is asked", async () => {
      const client = new InferenceClient(TOKEN).endpoint(tgiEmu.url);
      const out = await client.textGeneration({ inputs: 'tell me a story', parameters: { max_new_tokens: 3, decoder_input_details: true } });
      expect(out.details?.prefill).toHaveLength(4);
      const [span] = await waitForSpans(tracing, 1);
      expect(span.attributes).toEqual({
        ...tgiBase('text_completion'),
        'gen_ai.request.max_tokens': 3,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('tell me a story'),
        'gen_ai.response.finish_reasons': ['length'],
        'gen_ai.usage.input_tokens': 4,
        'gen_ai.usage.output_tokens': 3,
        'gen_ai.output.messages': textOutput('Echo: tell me', 'length'),
      });
    });

    it('streams TGI token events or completion chunks into one span', async () => {
      const client = new InferenceClient(TOKEN, { endpointUrl: tgiEmu.url });
      let text = '';
      for await (const chunk of client.textGenerationStream({ model: 'smol', inputs: 'a b', parameters: { details: true } })) {
        text += chunk.choices?.[0]?.text ?? chunk.token?.text ?? '';
      }
      expect(text).toBe('Echo: a b');
      const [span] = await waitForSpans(tracing, 1);
      expect(span.name).toBe('text_completion smol');
      expect(span.attributes).toEqual({
        ...tgiBase('text_completion'),
        'gen_ai.request.model': 'smol',
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('a b'),
        // TGI's token events end with `details` (finish reason, both token counts); completion chunks carry id and model.
        ...(native
          ? { 'gen_ai.response.finish_reasons': ['eos_token'], 'gen_ai.usage.input_tokens': 2, 'gen_ai.usage.output_tokens': 3 }
          : {
              'gen_ai.response.id': 'cmpl-emu-1',
              'gen_ai.response.model': 'smol',
              'gen_ai.response.finish_reasons': ['stop'],
              'provenance.usage.unknown': true,
            }),
        'gen_ai.output.messages': textOutput('Echo: a b'),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
      expect(tgiEmu.requests[0].path).toBe(native ? '/' : '/v1/completions');
    });

    it('records a TGI generation error (424) of a plain call', async () => {
      tgiEmu.enqueue({ kind: 'error', status: 424, message: 'Request failed during generation: CUDA out of memory' });
      const client = new InferenceClient(TOKEN).endpoint(tgiEmu.url);
      await expect(client.textGeneration({ inputs: 'x', parameters: { seed: 1 } })).rejects.toThrow('CUDA out of memory');
      const spans = await waitForSpans(tracing, 1);
      expect(spans[0].attributes).toEqual({
        ...tgiBase('text_completion'),
        'gen_ai.request.seed': 1,
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('x'),
        'error.type': '424',
        'http.response.status_code': 424,
      });
      expectNoToken(spans);
    });

    it('records a TGI validation error of a stream', async () => {
      tgiEmu.enqueue({ kind: 'error', status: 422, message: 'Input validation error: `inputs` must have less than 4095 tokens' });
      const client = new InferenceClient(TOKEN).endpoint(tgiEmu.url);
      await expect(async () => {
        for await (const _ of client.textGenerationStream({ inputs: 'x' })) void _;
      }).rejects.toThrow('must have less than 4095 tokens');
      const spans = await waitForSpans(tracing, 1);
      // TGI's native stream (4.0.x's route) starts with status 200 and reports the failure as its one
      // event, typed by `error_type`; the Messages API answers the status itself.
      expect(spans[0].attributes).toEqual({
        ...tgiBase('text_completion'),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': userMessages('x'),
        ...(native ? { 'error.type': 'validation', 'http.response.status_code': 200 } : { 'error.type': '422', 'http.response.status_code': 422 }),
      });
      expectNoToken(spans);
    });
  });

  describe('featureExtraction and sentenceSimilarity against a self-hosted TEI', () => {
    it('records every input text and the vector length (never the vectors)', async () => {
      const client = new InferenceClient(TOKEN, { endpointUrl: teiEmu.url });
      const vectors = await client.featureExtraction({ inputs: ['first text', 'second'] });
      expect(vectors).toHaveLength(2);
      const [span] = await waitForSpans(tracing, 1);
      expect(span.name).toBe('embeddings');
      expect(span.attributes).toEqual({
        ...teiBase(),
        'gen_ai.input.messages': userMessages('first text', 'second'),
        'gen_ai.embeddings.dimension.count': 384,
        'provenance.usage.unknown': true,
      });
      expect(teiEmu.requests[0]).toMatchObject({ path: '/', body: { inputs: ['first text', 'second'] } });
    });

    it('records the source sentence and the sentences compared with it', async () => {
      const client = new HfInference(TOKEN).endpoint(`${teiEmu.url}/similarity`);
      const scores = await client.sentenceSimilarity({ model: 'bge', inputs: { source_sentence: 'a cat', sentences: ['a dog', 'a car'] } });
      expect(scores).toHaveLength(2);
      const [span] = await waitForSpans(tracing, 1);
      expect(span.name).toBe('embeddings bge');
      expect(span.attributes).toEqual({
        ...teiBase(),
        'gen_ai.request.model': 'bge',
        'gen_ai.input.messages': userMessages('a cat', 'a dog', 'a car'),
        'provenance.usage.unknown': true,
      });
    });

    it('records a TEI error body of sentenceSimilarity (424 backend)', async () => {
      teiEmu.enqueue({ kind: 'error', status: 424 });
      const client = new InferenceClient(TOKEN).endpoint(teiEmu.url);
      await expect(client.sentenceSimilarity({ inputs: { source_sentence: 'a', sentences: ['b'] } })).rejects.toThrow('Backend error');
      const spans = await waitForSpans(tracing, 1);
      expect(spans[0].attributes).toEqual({
        ...teiBase(),
        'gen_ai.input.messages': userMessages('a', 'b'),
        'error.type': '424',
        'http.response.status_code': 424,
      });
      expectNoToken(spans);
    });

    it('records a TEI error body (413 validation)', async () => {
      teiEmu.enqueue({ kind: 'error', status: 413, message: 'batch size 64 > maximum allowed batch size 32' });
      const client = new InferenceClient(TOKEN, { endpointUrl: `${teiEmu.url}/embed` });
      await expect(client.featureExtraction({ inputs: 'x' })).rejects.toThrow('maximum allowed batch size');
      const spans = await waitForSpans(tracing, 1);
      expect(spans[0].attributes).toEqual({
        ...teiBase(),
        'gen_ai.input.messages': userMessages('x'),
        'error.type': '413',
        'http.response.status_code': 413,
      });
      expectNoToken(spans);
    });
  });

  describe('the Hugging Face router', () => {
    /** The SDK's own `fetch` option sends the router's requests to the emulator instead of the network. */
    const viaEmulator = () => (url: string, init: RequestInit) => fetch(url.replace('https://router.huggingface.co', tgiEmu.url), init);

    // 4.0.x asks the Hub which provider serves the model through the global fetch, not the client's, so
    // that call cannot be sent to the emulator.
    it.skipIf(native)('names the router `huggingface` when the client picks no provider', async () => {
      const client = new InferenceClient(TOKEN, { fetch: viaEmulator() });
      await chatCompletion(
        { accessToken: TOKEN, model: 'meta-llama/Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'hi' }] },
        { fetch: viaEmulator() },
      );
      await client.chatCompletion({ model: 'meta-llama/Llama-3.1-8B-Instruct', messages: [{ role: 'user', content: 'hi' }] });
      const spans = await waitForSpans(tracing, 2);
      for (const span of spans) {
        expect(span.attributes).toEqual({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'huggingface',
          'gen_ai.request.model': 'meta-llama/Llama-3.1-8B-Instruct',
          'server.address': 'router.huggingface.co',
          'server.port': 443,
          'provenance.credential.fingerprint': fingerprintCredential(TOKEN),
          'gen_ai.request.stream': false,
          'gen_ai.input.messages': userMessages('hi'),
          'gen_ai.response.id': expect.stringMatching(/^chatcmpl-emu-[12]$/),
          'gen_ai.response.model': 'meta-llama/Llama-3.1-8B-Instruct',
          'gen_ai.response.finish_reasons': ['stop'],
          ...chatUsage(1, 2),
          'gen_ai.output.messages': textOutput('Echo: hi'),
        });
      }
      expect(tgiEmu.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    });

    it('names the routed provider the client asks for', async () => {
      // The SDK first asks the Hub which model id the provider serves. The emulator is no Hub: it answers
      // 404 with a body the SDK does not expect, and the SDK fails reading that body twice (a TypeError).
      const toEmulator = (url: string, init: RequestInit) => fetch(url.replace(/^https:\/\/(router\.)?huggingface\.co/, tgiEmu.url), init);
      const client = new InferenceClient(TOKEN, { fetch: toEmulator });
      await expect(client.chatCompletion({ provider: 'together', model: 'org/unknown-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(
        'Body is unusable',
      );
      const spans = await waitForSpans(tracing, 1);
      expect(spans[0].attributes).toEqual({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'together',
        'gen_ai.request.model': 'org/unknown-model',
        'server.address': 'router.huggingface.co',
        'server.port': 443,
        'provenance.credential.fingerprint': fingerprintCredential(TOKEN),
        'gen_ai.request.stream': false,
        'gen_ai.input.messages': userMessages('hi'),
        'error.type': 'TypeError',
      });
      expect(tgiEmu.requests.map((r) => r.path)).toEqual(['/api/models/org/unknown-model']);
      expectNoToken(spans);
    });
  });

  describe('content capture off', () => {
    it('records no prompt and no output, and the same call otherwise', async () => {
      tracing.instrumentation.setConfig({ captureMessageContent: false });
      try {
        const client = new InferenceClient(TOKEN).endpoint(tgiEmu.url);
        for await (const _ of client.textGenerationStream({ inputs: 'a b' })) void _;
        await client.featureExtraction({ inputs: 'x', endpointUrl: teiEmu.url });
        await client.chatCompletion({
          model: 'tgi',
          messages: [
            { role: 'system', content: 'secret plan' },
            { role: 'user', content: 'hi' },
          ],
          tools: [],
        });
        const [stream, embed, chat] = await waitForSpans(tracing, 3);
        expect(stream.attributes).toEqual({
          ...tgiBase('text_completion'),
          'gen_ai.request.stream': true,
          ...(native ? {} : { 'gen_ai.response.id': 'cmpl-emu-1', 'gen_ai.response.model': tgiEmu.url, 'gen_ai.response.finish_reasons': ['stop'] }),
          'gen_ai.response.time_to_first_chunk': expect.any(Number),
          'provenance.usage.unknown': true,
        });
        expect(embed.attributes).toEqual({ ...teiBase(), 'gen_ai.embeddings.dimension.count': 384, 'provenance.usage.unknown': true });
        expect(chat.attributes).toEqual({
          ...tgiBase('chat'),
          'gen_ai.request.model': 'tgi',
          'gen_ai.request.stream': false,
          'gen_ai.response.id': 'chatcmpl-emu-2',
          'gen_ai.response.model': 'tgi',
          'gen_ai.response.finish_reasons': ['stop'],
          ...chatUsage(3, 2),
        });
      } finally {
        tracing.instrumentation.setConfig({});
      }
    });
  });
});
