import { afterEach, describe, expect, it } from 'vitest';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { ENV_INFERENCE_SERVERS, InferenceServersInstrumentation } from '@llm-provenance/instrumentation-inference-servers';
import { userText } from './content.js';
import { setupTracing, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);
afterEach(() => {
  delete process.env[ENV_INFERENCE_SERVERS];
});

const chat = (path: string) =>
  fetch(`${emu.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  }).then((r) => r.text());

describe('configuration', () => {
  it('reads the servers from LLM_PROVENANCE_INFERENCE_SERVERS, a path prefix included', async () => {
    process.env[ENV_INFERENCE_SERVERS] = ` opea=${emu.url}/nothing-here , vllm=${emu.url} `;
    tracing.instrumentation.setConfig({});
    await chat('/v1/chat/completions');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes['gen_ai.provider.name']).toBe('vllm');
  });

  it('gives no span to a route several servers share when its host is not configured', async () => {
    tracing.instrumentation.setConfig({});
    await chat('/v1/chat/completions');
    tracing.instrumentation.setConfig({ recognizeRoutes: false });
    await chat('/v3/chat/completions');
    tracing.instrumentation.setConfig({ servers: [{ profile: 'openvino.ovms', url: emu.url }] });
    await chat('/v3/chat/completions');
    const spans = await waitForSpans(tracing, 1);
    expect(spans.map((s) => s.attributes['gen_ai.provider.name'])).toEqual(['openvino.ovms']);
  });

  it('traces a server described by a user profile', async () => {
    tracing.instrumentation.setConfig({
      profiles: [{ name: 'acme', providerName: 'acme.serve', routes: [{ path: '/v1/{kind}/completions', operation: 'chat', format: 'openai.chat' }] }],
      servers: [{ profile: 'acme', url: emu.url, model: 'fallback' }],
    });
    await chat('/v1/chat/completions');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': 'acme.serve', 'gen_ai.request.model': 'm', 'gen_ai.input.messages': userText('hi') });
  });

  it('names the problem in a malformed server list', () => {
    process.env[ENV_INFERENCE_SERVERS] = 'vllm';
    expect(() => new InferenceServersInstrumentation()).toThrow('LLM_PROVENANCE_INFERENCE_SERVERS: "vllm" is not profile=url');
    delete process.env[ENV_INFERENCE_SERVERS];
    expect(() => new InferenceServersInstrumentation({ servers: [{ profile: 'nope', url: 'http://x' }] })).toThrow(/unknown profile "nope"/);
    expect(() => new InferenceServersInstrumentation({ servers: [{ profile: 'vllm', url: 'not a url' }] })).toThrow('"not a url" (profile vllm) is not a URL');
  });

  it('is silent when disabled', async () => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }] });
    tracing.instrumentation.disable();
    await chat('/v1/chat/completions');
    tracing.instrumentation.enable();
    await chat('/v1/chat/completions');
    const spans = await waitForSpans(tracing, 1);
    expect(spans.map((s) => s.attributes['provenance.provider.request_id'])).toEqual(['req_emu_2']);
  });
});
