import { describe, expect, it } from 'vitest';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { loadAnthropic, SDKS, setupTracing } from './helpers.js';

// A GLOBAL tracer provider: with one registered, @anthropic-ai/sdk >= 0.134 emits its own
// `anthropic.messages.*` spans unless told not to. This file runs in its own process (pool: forks).
delete process.env.ANTHROPIC_OPEN_TELEMETRY;
const tracing = setupTracing({}, { global: true });
const Anthropic = loadAnthropic(SDKS['anthropic-1']);
const MODEL = 'claude-sonnet-4';
const body = { model: MODEL, max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] };

const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

/**
 * Every span, once `count` have ended and every ended span has been exported (forceFlush). Call it after
 * the calls under test have returned and their streams were drained: the SDK's own spans end inside the
 * calls they trace, so a duplicate has ended by then and is in the list.
 */
async function allSpans(count: number) {
  await tracing.exporter.whenSpans(count, 5000);
  await tracing.provider.forceFlush();
  return tracing.spans().map((s) => `${s.instrumentationScope.name} ${s.name}`);
}

describe('with a global tracer provider and @anthropic-ai/sdk 1.x', () => {
  it('has SDK tracing on for a client, so duplicates would be possible', () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k' });
    expect(client.openTelemetry.traces.enabled).toBe(true);
    expect(client._tracer).toBeDefined();
  });

  it('records exactly one span for messages.create, ours, and leaves the client tracing on afterwards', async () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k' });
    await client.messages.create(body);
    expect(await allSpans(1)).toEqual([`@llm-provenance/instrumentation-anthropic chat ${MODEL}`]);
    expect(client._tracer).toBeDefined();
  });

  it('records exactly one span for a streamed create, for messages.stream() and for countTokens', async () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k' });
    const stream = await client.messages.create({ ...body, stream: true });
    for await (const _event of stream) {
      // drain
    }
    await client.messages.stream(body).finalMessage();
    await client.messages.countTokens({ model: MODEL, messages: body.messages });
    expect(await allSpans(3)).toEqual([
      `@llm-provenance/instrumentation-anthropic chat ${MODEL}`,
      `@llm-provenance/instrumentation-anthropic chat ${MODEL}`,
      `@llm-provenance/instrumentation-anthropic count_tokens ${MODEL}`,
    ]);
  });

  it('records exactly one span for beta.messages.create and beta.messages.stream()', async () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k' });
    await client.beta.messages.create(body);
    await client.beta.messages.stream(body).finalMessage();
    expect(await allSpans(2)).toEqual([`@llm-provenance/instrumentation-anthropic chat ${MODEL}`, `@llm-provenance/instrumentation-anthropic chat ${MODEL}`]);
  });

  it('records one span even for a client given its own tracer provider explicitly', async () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k', openTelemetry: { tracerProvider: tracing.provider } });
    await client.messages.create(body);
    expect(await allSpans(1)).toEqual([`@llm-provenance/instrumentation-anthropic chat ${MODEL}`]);
  });

  it('gives the SDK its own spans back once our instrumentation is disabled', async () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k' });
    tracing.instrumentation.disable();
    try {
      await client.messages.create(body);
      expect(await allSpans(1)).toEqual(['com.anthropic.sdk.typescript anthropic.messages.create']);
    } finally {
      tracing.instrumentation.enable();
    }
  });
});
