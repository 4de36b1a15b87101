import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { InferenceServersInstrumentation } from '@llm-provenance/instrumentation-inference-servers';
import { HuggingFaceInstrumentation } from '@llm-provenance/instrumentation-huggingface';
import { tei, tgi } from '@llm-provenance/provider-emulators';
import * as support from '@llm-provenance/test-support';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { loadHfInference, SDKS, textOutput, toldStoryResponse, userMessages } from './helpers.js';

/**
 * `@huggingface/inference` pointed at a self-hosted TGI or TEI that the inference-servers
 * instrumentation also knows (configured, or a route it recognises anywhere): the SDK's request goes out
 * through global fetch inside its traced call, so the HTTP-level instrumentation leaves it alone and
 * every call gives exactly one GenAI span, the SDK instrumentation's. Both instrumentations share one
 * tracer provider with the AsyncLocalStorage context, as `register` sets them up.
 */
const hf = new HuggingFaceInstrumentation();
const tracing = support.setupTracing(hf, { global: true });
const servers = new InferenceServersInstrumentation();
servers.setTracerProvider(tracing.provider);
servers.enable();
const TOKEN = 'hf_one_span_token_0123456789';
const tgiEmu = useEmulator({ providers: [tgi] });
const teiEmu = useEmulator({ providers: [tei] });
resetBeforeEach(tgiEmu, teiEmu, tracing.exporter);

afterEach(() => servers.setConfig({}));

const HF_SCOPE = '@llm-provenance/instrumentation-huggingface';
const endpoint = (url: string) => ({
  'server.address': '127.0.0.1',
  'server.port': Number(new URL(url).port),
  'provenance.credential.fingerprint': fingerprintCredential(TOKEN),
});
const chatUsage = (input: number, output: number) => ({
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.cache_read.input_tokens': 0,
  'gen_ai.usage.reasoning.output_tokens': 0,
});

/** The only span of the call, once it ended: the SDK instrumentation's. */
async function onlySpan() {
  const spans = await support.waitForSpans(tracing.exporter, 1);
  expect(spans.map((s) => s.instrumentationScope.name)).toEqual([HF_SCOPE]);
  return spans[0]!;
}

describe.each(Object.entries(SDKS))('%s with the inference-servers instrumentation on', (sdkName, sdkPath) => {
  const { InferenceClient } = loadHfInference(sdkPath);
  /** 4.0.x sends text generation to TGI's native routes (`/`), later 4.x to the Messages API's `/v1/completions`. */
  const native = sdkName === 'inference-4.0';
  const tgiBase = (operation: string, provider = 'hf.tgi') => ({
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
    ...endpoint(tgiEmu.url),
  });

  function configureTgi(profile = 'hf.tgi'): void {
    servers.setConfig({ servers: [{ profile, url: tgiEmu.url }] });
  }

  it('gives one span for chatCompletion through `.endpoint(url)`', async () => {
    configureTgi();
    const out = await new InferenceClient(TOKEN).endpoint(tgiEmu.url).chatCompletion({ model: 'tgi', messages: [{ role: 'user', content: 'hello there' }] });
    expect(out.choices[0].message.content).toBe('Echo: hello there');
    expect((await onlySpan()).attributes).toEqual({
      ...tgiBase('chat'),
      'gen_ai.request.model': 'tgi',
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('hello there'),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'tgi',
      'gen_ai.response.finish_reasons': ['stop'],
      ...chatUsage(2, 3),
      'gen_ai.output.messages': textOutput('Echo: hello there'),
    });
  });

  it('gives one span for chatCompletionStream through `endpointUrl`', async () => {
    configureTgi();
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
    expect((await onlySpan()).attributes).toEqual({
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

  it('gives one span for textGeneration', async () => {
    configureTgi();
    const out = await new InferenceClient(TOKEN)
      .endpoint(tgiEmu.url)
      .textGeneration({ inputs: 'tell me a story', parameters: { max_new_tokens: 3, details: true } });
    expect(out.generated_text).toBe('Echo: tell me');
    expect((await onlySpan()).attributes).toEqual({
      ...tgiBase('text_completion'),
      'gen_ai.request.max_tokens': 3,
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userMessages('tell me a story'),
      ...toldStoryResponse(native, tgiEmu.url),
    });
    expect(tgiEmu.requests[0]!.path).toBe(native ? '/' : '/v1/completions');
  });

  it('gives one span for textGenerationStream', async () => {
    configureTgi();
    const client = new InferenceClient(TOKEN, { endpointUrl: tgiEmu.url });
    let text = '';
    for await (const chunk of client.textGenerationStream({ model: 'smol', inputs: 'a b', parameters: { details: true } })) {
      text += chunk.choices?.[0]?.text ?? chunk.token?.text ?? '';
    }
    expect(text).toBe('Echo: a b');
    expect((await onlySpan()).attributes).toEqual({
      ...tgiBase('text_completion'),
      'gen_ai.request.model': 'smol',
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userMessages('a b'),
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
  });

  it("gives one span for featureExtraction against TEI's /embed, a route recognised on any host", async () => {
    const client = new InferenceClient(TOKEN, { endpointUrl: `${teiEmu.url}/embed` });
    const vectors = await client.featureExtraction({ inputs: ['first text', 'second'] });
    expect(vectors).toHaveLength(2);
    expect((await onlySpan()).attributes).toEqual({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'hf.tei',
      ...endpoint(teiEmu.url),
      'gen_ai.input.messages': userMessages('first text', 'second'),
      'gen_ai.embeddings.dimension.count': 384,
      'provenance.usage.unknown': true,
    });
  });

  it('names the server the configuration gives its endpoint (a vLLM reached through `endpointUrl`)', async () => {
    configureTgi('vllm');
    await new InferenceClient(TOKEN, { endpointUrl: tgiEmu.url }).chatCompletion({ model: 'tgi', messages: [{ role: 'user', content: 'hi' }] });
    expect((await onlySpan()).attributes['gen_ai.provider.name']).toBe('vllm');
  });
});
