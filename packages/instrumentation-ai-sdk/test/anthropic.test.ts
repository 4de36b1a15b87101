/**
 * The real `ai` and `@ai-sdk/anthropic` packages over HTTP to the loopback Anthropic emulator: one GenAI
 * span per model call, equal to the one the anthropic instrumentation records when `@anthropic-ai/sdk`
 * sends the very same request.
 */
import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { resetBeforeEach, useEmulator, waitForSpans } from '@llm-provenance/test-support';
import type { Scenario } from '@llm-provenance/provider-emulators';
import { AI_SDK_LINES, API_KEY, genAISpans, lineTitle, loadAnthropic, setupTracing, useAiSdk, withoutTiming } from './helpers.js';

const tracing = setupTracing();
const Anthropic = loadAnthropic();
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

const MODEL = 'claude-sonnet-4-20250514';
const json = (value: unknown): string => JSON.stringify(value);
const user = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });
const assistant = (parts: unknown[], finishReason: string) => json([{ role: 'assistant', parts, finish_reason: finishReason }]);
const WEATHER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

const base = (n: number) => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.request.model': MODEL,
  // @ai-sdk/anthropic asks for the model's most output tokens when the call sets none.
  'gen_ai.request.max_tokens': 64000,
  'server.address': '127.0.0.1',
  'server.port': emu.port,
  'provenance.credential.fingerprint': fingerprintCredential(API_KEY),
  'gen_ai.response.id': `msg_emu_${n}`,
  'gen_ai.response.model': MODEL,
  'gen_ai.usage.cache_creation.input_tokens': 0,
  'gen_ai.usage.cache_read.input_tokens': 0,
  'gen_ai.usage.cost.currency': 'USD',
  'gen_ai.usage.cost.source': 'price_table',
  'provenance.provider.request_id': `req_emu_${n}`,
});

/** Every request the emulator received, sent again through @anthropic-ai/sdk; the anthropic instrumentation's spans' attributes. */
async function anthropicSdkAttributes(scenarios: Scenario[]): Promise<Attributes[]> {
  const sent = emu.requests.map((r) => r.body as Record<string, unknown>);
  emu.reset();
  tracing.exporter.reset();
  emu.enqueue(...scenarios);
  // A timeout of its own: without one the SDK refuses a non-streamed request for 64000 tokens.
  const client = new Anthropic({ baseURL: emu.url, apiKey: API_KEY, maxRetries: 0, timeout: 60_000 });
  for (const body of sent) {
    const result = await client.messages.create(body);
    if (body.stream === true) for await (const _event of result) void _event;
  }
  const spans = await waitForSpans(tracing.exporter, sent.length);
  expect(spans.map((s) => s.instrumentationScope.name)).toEqual(sent.map(() => '@llm-provenance/instrumentation-anthropic'));
  return spans.map((s) => withoutTiming(s.attributes));
}

for (const line of AI_SDK_LINES) {
  describe.skipIf(line.skip !== false)(lineTitle(line), () => {
    const sdk = useAiSdk(line);
    const provider = () => sdk().anthropic.createAnthropic({ baseURL: `${emu.url}/v1`, apiKey: API_KEY });

    it('generateText with a tool through @ai-sdk/anthropic: one span per step, as @anthropic-ai/sdk gets', async () => {
      const scenarios: Scenario[] = [{ kind: 'tool_call', name: 'weather', arguments: { city: 'Rome' } }];
      emu.enqueue(...scenarios);
      const weather = sdk().ai.tool({
        description: 'The weather in a city',
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => `sunny in ${city}`,
      });
      const result = await sdk().ai.generateText({
        model: provider()(MODEL),
        prompt: 'Weather in Rome?',
        tools: { weather },
        stopWhen: sdk().ai.stepCountIs(3),
      });
      expect(result.steps).toHaveLength(2);
      const spans = genAISpans(await waitForSpans(tracing.exporter, 2));
      expect(spans.map((s) => s.instrumentationScope.name)).toEqual(['@llm-provenance/instrumentation-ai-sdk', '@llm-provenance/instrumentation-ai-sdk']);
      const tools = json([{ type: 'function', name: 'weather', description: 'The weather in a city', parameters: WEATHER_SCHEMA }]);
      const toolCall = { type: 'tool_call', id: 'toolu_emu_1', name: 'weather', arguments: { city: 'Rome' } };
      expect(spans.map((s) => s.attributes)).toEqual([
        {
          ...base(1),
          'gen_ai.tool.definitions': tools,
          'gen_ai.input.messages': json([user('Weather in Rome?')]),
          'gen_ai.response.finish_reasons': ['tool_use'],
          'gen_ai.usage.input_tokens': 3,
          'gen_ai.usage.output_tokens': 2,
          'gen_ai.usage.cost.amount': 0.000039,
          'gen_ai.output.messages': assistant([toolCall], 'tool_call'),
        },
        {
          ...base(2),
          'gen_ai.tool.definitions': tools,
          'gen_ai.input.messages': json([
            user('Weather in Rome?'),
            { role: 'assistant', parts: [toolCall] },
            { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_emu_1', response: 'sunny in Rome' }] },
          ]),
          'gen_ai.response.finish_reasons': ['end_turn'],
          'gen_ai.usage.input_tokens': 6,
          'gen_ai.usage.output_tokens': 4,
          'gen_ai.usage.cost.amount': 0.000078,
          'gen_ai.output.messages': assistant([{ type: 'text', content: 'Echo: sunny in Rome' }], 'stop'),
        },
      ]);
      expect(await anthropicSdkAttributes(scenarios)).toEqual(spans.map((s) => withoutTiming(s.attributes)));
    });

    it('streamText through @ai-sdk/anthropic: one span, as @anthropic-ai/sdk gets', async () => {
      const result = sdk().ai.streamText({ model: provider()(MODEL), prompt: 'hello stream' });
      expect(await result.text).toBe('Echo: hello stream');
      const [span] = await waitForSpans(tracing.exporter, 1);
      expect(span!.attributes).toEqual({
        ...base(1),
        'gen_ai.request.stream': true,
        'gen_ai.input.messages': json([user('hello stream')]),
        'gen_ai.response.finish_reasons': ['end_turn'],
        'gen_ai.usage.input_tokens': 2,
        'gen_ai.usage.output_tokens': 3,
        'gen_ai.usage.cost.amount': 0.000051,
        'gen_ai.output.messages': assistant([{ type: 'text', content: 'Echo: hello stream' }], 'stop'),
        'gen_ai.response.time_to_first_chunk': expect.any(Number),
      });
      expect(await anthropicSdkAttributes([])).toEqual([withoutTiming(span!.attributes)]);
    });
  });
}
