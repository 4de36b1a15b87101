import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { loadGroq, SDKS, setupTracing, waitForSpans } from './helpers.js';

const tracing = setupTracing({ captureMessageContent: true });
const MODEL = 'llama-3.3-70b-versatile';
const KEY = 'gsk_test_key';
const cost = (input: number, output: number) => Math.round(((input * 0.59 + output * 0.79) / 1e6) * 1e12) / 1e12;
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

describe.each(Object.entries(SDKS))('%s', (_name, sdkPath) => {
  const Groq = loadGroq(sdkPath);
  const client = () => new Groq({ baseURL: emu.url, apiKey: KEY, maxRetries: 0 });

  it('records the request’s user, Groq’s own finish reason and the conventions’ one, and streamed usage from x_groq without changing the request', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const request = { model: MODEL, stream: true, user: 'user-7', tools, messages: [{ role: 'user', content: 'weather?' }] };
    for await (const _ of await client().chat.completions.create(request)) void _;
    // Groq always reports a stream's usage (x_groq.usage): nothing is asked for on the app's behalf.
    expect(emu.requests[0].body).toEqual(request);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'groq',
      'gen_ai.request.model': MODEL,
      'server.address': '127.0.0.1',
      'server.port': emu.port,
      'provenance.credential.fingerprint': fingerprintCredential(KEY),
      'gen_ai.request.stream': true,
      'provenance.request.user': 'user-7',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'weather?' }] }]),
      'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }]),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.usage.cost.amount': cost(1, 2),
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_emu_1', name: 'get_weather', arguments: { city: 'Paris' } }], finish_reason: 'tool_call' },
      ]),
      'provenance.provider.request_id': 'req_emu_1',
    });
  });
});
