import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { ProviderModule } from '@llm-provenance/provider-emulators';
import { useEmulator } from '@llm-provenance/test-support';
import { loadAnthropic, SDKS, setupTracing, waitForSpans } from './helpers.js';

/**
 * The Messages API can fail AFTER a 200: it then sends an `error` event in the stream
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events), e.g.
 * `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`. The shared emulator
 * has no scenario for it, so this file serves exactly that stream from a one-route provider module.
 */
const overloadedMidStream: ProviderModule = {
  name: 'anthropic-error-event',
  routes: [
    {
      method: 'POST',
      path: '/v1/messages',
      async handle(ctx) {
        const sse = ctx.sse({ 'request-id': 'req_err_1' });
        const usage = { input_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 };
        const message = {
          id: 'msg_err_1',
          type: 'message',
          role: 'assistant',
          model: ctx.body.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage,
        };
        await sse.send({ type: 'message_start', message }, 'message_start');
        await sse.send({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start');
        await sse.send({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Partial' } }, 'content_block_delta');
        // Spaced as in the API reference's example, which the SDK passes on verbatim.
        await sse.sendRaw('{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}', 'error');
        sse.end();
      },
    },
  ],
  owns: () => true,
  sendError: (ctx, spec) => ctx.json(spec.status, { type: 'error', error: { type: 'api_error', message: spec.message ?? 'error' } }),
};

const tracing = setupTracing();
const emu = useEmulator({ providers: [overloadedMidStream] });

describe.each(Object.entries(SDKS))('%s', (_name, sdkPath) => {
  const Anthropic = loadAnthropic(sdkPath);

  it('records an error event in the middle of a stream with its Anthropic error type', async () => {
    tracing.exporter.reset();
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k', maxRetries: 0 });
    const stream = await client.messages.create({ model: 'claude-sonnet-4', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'a b' }] });
    let text = '';
    const err = await (async () => {
      for await (const event of stream) if (event.type === 'content_block_delta') text += event.delta.text;
    })().catch((e: unknown) => e);
    expect(text).toBe('Partial');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('overloaded_error');
    expect(span.attributes['gen_ai.response.id']).toBe('msg_err_1');
    expect(span.attributes['gen_ai.output.messages']).toBe(
      JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Partial' }], finish_reason: 'error' }]),
    );
    expect(span.attributes['provenance.provider.request_id']).toBe('req_err_1');
  });
});
