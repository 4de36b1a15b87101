import { describe, expect, it } from 'vitest';
import { fingerprintCredential, withAttribution } from '@llm-provenance/instrumentation-common';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { loadAnthropic, SDKS, setupTracing, waitForSpans } from './helpers.js';

// Global: attribution travels in the active context.
const tracing = setupTracing({ captureMessageContent: true }, { global: true });
const MODEL = 'claude-sonnet-4';
const KEY = 'sk-ant-test-key';
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

describe.each(Object.entries(SDKS))('%s', (_name, sdkPath) => {
  const Anthropic = loadAnthropic(sdkPath);
  const client = () => new Anthropic({ baseURL: emu.url, apiKey: KEY, maxRetries: 0 });
  const base = () => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': MODEL,
    'server.address': '127.0.0.1',
    'server.port': emu.port,
    'provenance.credential.fingerprint': fingerprintCredential(KEY),
    'gen_ai.response.id': 'msg_emu_1',
    'gen_ai.response.model': MODEL,
    'provenance.provider.request_id': 'req_emu_1',
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.cache_creation.input_tokens': 0,
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  });

  it('records metadata.user_id as sent, beside the enduser.id of attribution', async () => {
    await withAttribution({ userId: 'alice@example.com' }, () =>
      client().messages.create({ model: MODEL, max_tokens: 100, metadata: { user_id: 'u-hash-42' }, messages: [{ role: 'user', content: 'hi' }] }),
    );
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.request.max_tokens': 100,
      'provenance.request.metadata.user_id': 'u-hash-42',
      'enduser.id': 'alice@example.com',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cost.amount': 0.000033,
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: hi' }], finish_reason: 'stop' }]),
    });
  });

  it('keeps Anthropic’s stop_reason in finish_reasons and the conventions’ value in the output message, streamed too', async () => {
    const stream = await client().messages.create({ model: MODEL, max_tokens: 2, stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    for await (const _ of stream) void _;
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base(),
      'gen_ai.request.max_tokens': 2,
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'one two three' }] }]),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.response.finish_reasons': ['max_tokens'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cost.amount': 0.000039,
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: one' }], finish_reason: 'length' }]),
    });
  });
});
