import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as support from '@llm-provenance/test-support';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { OpenAIInstrumentation } from '@llm-provenance/instrumentation-openai';
import { InferenceServersInstrumentation } from '@llm-provenance/instrumentation-inference-servers';
import { userText } from './content.js';

/**
 * An SDK we already trace, pointed at a self-hosted server: its request goes out through global fetch
 * inside the SDK's traced call, and the HTTP-level instrumentation must leave it alone (one GenAI span
 * per call, not two). Both instrumentations share one tracer provider with the AsyncLocalStorage
 * context, as `register` sets them up.
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
resetBeforeEach(emu, tracing.exporter);

describe.each([
  ['vLLM', 'vllm', '/v1'],
  ['OpenVINO Model Server /v3', 'openvino.ovms', '/v3'],
])('the openai SDK pointed at %s', (_name, profile, prefix) => {
  it('gives exactly one GenAI span for a plain and a streamed call', async () => {
    servers.setConfig({ servers: [{ profile, url: emu.url }] });
    const client = new OpenAI({ baseURL: `${emu.url}${prefix}`, apiKey: 'sk-one-span', maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'qwen', messages: [{ role: 'user', content: 'one span' }] });
    expect(completion.choices[0]!.message.content).toBe('Echo: one span');
    const stream = await client.chat.completions.create({ model: 'qwen', stream: true, messages: [{ role: 'user', content: 'one span' }] });
    for await (const _chunk of stream) {
      // read to the end
    }
    const spans = await support.waitForSpans(tracing.exporter, 2);
    expect(spans.map((s) => [s.name, s.instrumentationScope.name, s.attributes['gen_ai.input.messages']])).toEqual([
      ['chat qwen', '@llm-provenance/instrumentation-openai', userText('one span')],
      ['chat qwen', '@llm-provenance/instrumentation-openai', userText('one span')],
    ]);
  });

  it('gives the HTTP-level span when the same request is made without the SDK', async () => {
    servers.setConfig({ servers: [{ profile, url: emu.url }] });
    await fetch(`${emu.url}${prefix}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-one-span' },
      body: JSON.stringify({ model: 'qwen', messages: [{ role: 'user', content: 'one span' }] }),
    }).then((r) => r.text());
    const [span] = await support.waitForSpans(tracing.exporter, 1);
    expect([span!.instrumentationScope.name, span!.attributes['gen_ai.provider.name']]).toEqual(['@llm-provenance/instrumentation-inference-servers', profile]);
  });
});
