import { describe, expect, it } from 'vitest';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { CLIENTS } from './clients.js';
import { assistantText, userText, withoutContent } from './content.js';
import { setupTracing, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

const base = (service: string) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'opea',
  'server.address': '127.0.0.1',
  'server.port': emu.port,
  'opea.service': service,
});

describe.each(Object.entries(CLIENTS))('OPEA through %s', (_client, post) => {
  it.each([true, false])('records a gateway call answered in one piece (content %s)', async (content) => {
    tracing.instrumentation.setConfig({ captureMessageContent: content });
    const reply = await post(`${emu.url}/v1/chatqna`, JSON.stringify({ messages: 'what is OPEA?', stream: false, max_tokens: 64 }));
    expect(JSON.parse(reply.text).choices[0].message.content).toBe('chatqna: what is OPEA?');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('chat');
    const expected = {
      ...base('chatqna'),
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': userText('what is OPEA?'),
      'gen_ai.response.id': 'chatcmpl-opea-1',
      'gen_ai.response.model': 'chatqna',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.output.messages': assistantText('chatqna: what is OPEA?'),
    };
    expect(span.attributes).toEqual(content ? expected : withoutContent(expected));
  });

  it.each(['codegen', 'docsum'])('records a streamed %s gateway call (bytes-literal tokens)', async (service) => {
    tracing.instrumentation.setConfig({});
    const reply = await post(`${emu.url}/v1/${service}`, JSON.stringify({ messages: [{ role: 'user', content: "it's new\nline" }] }));
    expect(reply.text).toContain("data: b' it\\'s'");
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base(service),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText("it's new\nline"),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.output.messages': assistantText(`${service}: it's new\nline`),
      'provenance.usage.unknown': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
  });

  it('records an OpenAI-style microservice route on a server configured as OPEA', async () => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'opea', url: emu.url, model: 'Intel/neural-chat-7b-v3-3' }] });
    await post(`${emu.url}/v1/chat/completions`, JSON.stringify({ model: 'Intel/neural-chat-7b-v3-3', messages: [{ role: 'user', content: 'hi' }] }), {
      authorization: 'Bearer x',
    });
    const [span] = await waitForSpans(tracing, 1);
    expect([span.name, span.attributes['gen_ai.provider.name'], span.attributes['gen_ai.usage.output_tokens']]).toEqual([
      'chat Intel/neural-chat-7b-v3-3',
      'opea',
      2,
    ]);
  });
});
