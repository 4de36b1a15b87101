import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { tgi } from '@llm-provenance/provider-emulators';
import * as support from '@llm-provenance/test-support';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { OpenAIInstrumentation } from '@llm-provenance/instrumentation-openai';
import { ENV_INFERENCE_SERVERS, InferenceServersInstrumentation } from '@llm-provenance/instrumentation-inference-servers';
import { assistantText, userText } from './content.js';

/**
 * An SDK we already trace, pointed at a self-hosted server: its request goes out through global fetch
 * inside the SDK's traced call, and the HTTP-level instrumentation must leave it alone (one GenAI span
 * per call, not two). The span still names the server the configuration says it is (`vllm`, `hf.tgi`,
 * `openvino.ovms`), not the protocol's owner. Both instrumentations share one tracer provider with the
 * AsyncLocalStorage context, as `register` sets them up.
 */
const servers = new InferenceServersInstrumentation();
const tracing = support.setupTracing(servers, { global: true });
const openaiInstrumentation = new OpenAIInstrumentation();
openaiInstrumentation.setTracerProvider(tracing.provider);
openaiInstrumentation.enable();
const OpenAI = support.loadSdk(fileURLToPath(new URL('../package.json', import.meta.url)), 'openai', 'OpenAI') as new (options: object) => {
  chat: { completions: { create(body: object): Promise<{ choices: Array<{ message: { content: string } }> }> & AsyncIterable<unknown> } };
};
const emu = useEmulator();
const tgiEmu = useEmulator({ providers: [tgi] });
resetBeforeEach(emu, tgiEmu, tracing.exporter);
const KEY = 'sk-one-span';

afterEach(() => {
  delete process.env[ENV_INFERENCE_SERVERS];
  servers.setConfig({});
});

/** The attributes of the openai SDK's span for `chat qwen` ("Echo: one span") against `port`, as `provider`. */
function openAiChatSpan(provider: string, port: number, stream: boolean, n: number) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': 'qwen',
    'server.address': '127.0.0.1',
    'server.port': port,
    'provenance.credential.fingerprint': fingerprintCredential(KEY),
    ...(stream ? { 'gen_ai.request.stream': true } : {}),
    'gen_ai.input.messages': userText('one span'),
    'gen_ai.response.id': `chatcmpl-emu-${n}`,
    'gen_ai.response.model': 'qwen',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 2,
    'gen_ai.usage.output_tokens': 3,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'gen_ai.output.messages': assistantText('Echo: one span'),
    // The instrumentation asked the server for the stream's usage chunk (and hid it from the app).
    ...(stream ? { 'gen_ai.response.time_to_first_chunk': expect.any(Number), 'provenance.usage.requested': true } : {}),
  };
}

async function plainAndStreamed(baseURL: string): Promise<void> {
  const client = new OpenAI({ baseURL, apiKey: KEY, maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'qwen', messages: [{ role: 'user', content: 'one span' }] });
  expect(completion.choices[0]!.message.content).toBe('Echo: one span');
  const stream = await client.chat.completions.create({ model: 'qwen', stream: true, messages: [{ role: 'user', content: 'one span' }] });
  for await (const _chunk of stream) {
    // read to the end
  }
}

/** Each server: its profile, the SDK's base path, its emulator, its `system_fingerprint`, whether it sends `x-request-id`. */
describe.each([
  ['vLLM', 'vllm', '/v1', () => emu, 'fp_emu', true],
  ['OpenVINO Model Server /v3', 'openvino.ovms', '/v3', () => emu, 'ovms_emu', false],
  ["TGI's Messages API", 'hf.tgi', '/v1', () => tgiEmu, '3.3.6-native', false],
])('the openai SDK pointed at %s', (_name, profile, prefix, server, fingerprint, requestIds) => {
  it('gives exactly one GenAI span for a plain and a streamed call, naming the configured server', async () => {
    servers.setConfig({ servers: [{ profile, url: server().url }] });
    await plainAndStreamed(`${server().url}${prefix}`);
    const spans = await support.waitForSpans(tracing.exporter, 2);
    expect(spans.map((s) => [s.name, s.instrumentationScope.name])).toEqual([
      ['chat qwen', '@llm-provenance/instrumentation-openai'],
      ['chat qwen', '@llm-provenance/instrumentation-openai'],
    ]);
    const openAiAttributes = (n: number) => ({
      'openai.api.type': 'chat_completions',
      'openai.response.service_tier': 'default',
      'openai.response.system_fingerprint': fingerprint,
      ...(requestIds ? { 'provenance.provider.request_id': `req_emu_${n}` } : {}),
    });
    expect(spans[0]!.attributes).toEqual({ ...openAiChatSpan(profile, server().port, false, 1), ...openAiAttributes(1) });
    expect(spans[1]!.attributes).toEqual({ ...openAiChatSpan(profile, server().port, true, 2), ...openAiAttributes(2) });
  });

  it('gives the HTTP-level span when the same request is made without the SDK', async () => {
    servers.setConfig({ servers: [{ profile, url: server().url }] });
    await fetch(`${server().url}${prefix}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'qwen', messages: [{ role: 'user', content: 'one span' }] }),
    }).then((r) => r.text());
    const [span] = await support.waitForSpans(tracing.exporter, 1);
    expect([span!.instrumentationScope.name, span!.attributes['gen_ai.provider.name']]).toEqual(['@llm-provenance/instrumentation-inference-servers', profile]);
  });
});

describe('the provider name of an openai SDK span', () => {
  it('follows LLM_PROVENANCE_INFERENCE_SERVERS, a path prefix, and a change of configuration', async () => {
    process.env[ENV_INFERENCE_SERVERS] = `vllm=${emu.url}`;
    servers.setConfig({});
    await plainAndStreamed(`${emu.url}/v1`);
    // A server under a path prefix of the same host: only clients under that prefix are it.
    delete process.env[ENV_INFERENCE_SERVERS];
    servers.setConfig({ servers: [{ profile: 'vllm', url: `${emu.url}/other` }] });
    const client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'qwen', messages: [{ role: 'user', content: 'one span' }] });
    const spans = await support.waitForSpans(tracing.exporter, 3);
    expect(spans.map((s) => [s.instrumentationScope.name, s.attributes['gen_ai.provider.name']])).toEqual([
      ['@llm-provenance/instrumentation-openai', 'vllm'],
      ['@llm-provenance/instrumentation-openai', 'vllm'],
      ['@llm-provenance/instrumentation-openai', 'openai'],
    ]);
  });
});
