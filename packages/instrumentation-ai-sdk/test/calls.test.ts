/**
 * The real `ai` and `@ai-sdk/openai` packages over HTTP to the loopback OpenAI emulator: each model call
 * (each step of a multi-step run) gets one GenAI span, whose attribute map is asserted whole and equals
 * the one the openai instrumentation records when the openai SDK sends the very same request; with the
 * AI SDK's own telemetry on, its spans are there too, ours the only GenAI span and a child of its
 * `doGenerate` / `doStream` / `doEmbed` span.
 */
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isModelCallAttributes } from '@llm-provenance/cid-exporter';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { resetBeforeEach, useEmulator, waitForSpans } from '@llm-provenance/test-support';
import type { Scenario } from '@llm-provenance/provider-emulators';
import { AI_SDK_LINES, API_KEY, genAISpans, lineTitle, loadOpenAI, parentOf, setupTracing, useAiSdk, withoutTiming } from './helpers.js';

const tracing = setupTracing();
const OpenAI = loadOpenAI();
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

const MODEL = 'gpt-4o-mini';
const EMBEDDING_MODEL = 'text-embedding-3-small';
const WEATHER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

const json = (value: unknown): string => JSON.stringify(value);
const TOOL_DEFINITIONS = json([{ type: 'function', name: 'weather', description: 'The weather in a city', parameters: WEATHER_SCHEMA }]);
const user = (text: string) => ({ role: 'user', parts: [{ type: 'text', content: text }] });
const assistant = (parts: unknown[], finishReason: string) => json([{ role: 'assistant', parts, finish_reason: finishReason }]);
const text = (content: string) => ({ type: 'text', content });

const base = (operation: string, model: string) => ({
  'gen_ai.operation.name': operation,
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': model,
  'server.address': '127.0.0.1',
  'server.port': emu.port,
  'provenance.credential.fingerprint': fingerprintCredential(API_KEY),
});
const usage = (input: number, output: number) => ({
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.cache_read.input_tokens': 0,
  'gen_ai.usage.reasoning.output_tokens': 0,
});
const cost = (amount: number) => ({ 'gen_ai.usage.cost.amount': amount, 'gen_ai.usage.cost.currency': 'USD', 'gen_ai.usage.cost.source': 'price_table' });
const ttfc = { 'gen_ai.response.time_to_first_chunk': expect.any(Number) };

/**
 * Sends every request the emulator received, as it received it, again through the openai SDK (the
 * emulator reset, so ids and counts repeat) and returns the openai instrumentation's spans' attributes.
 */
async function openaiSdkAttributes(scenarios: Scenario[]): Promise<Attributes[]> {
  const sent = emu.requests.map((r) => ({ path: r.path, body: r.body as Record<string, unknown> }));
  emu.reset();
  tracing.exporter.reset();
  emu.enqueue(...scenarios);
  const client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  for (const { path, body } of sent) {
    const resource = path === '/v1/chat/completions' ? client.chat.completions : path === '/v1/responses' ? client.responses : client.embeddings;
    try {
      const result = await resource.create(body);
      if (body.stream === true) for await (const _event of result) void _event;
    } catch (error) {
      // A failed call is compared like any other: its span records the failure.
      if (!(error instanceof OpenAI.APIError)) throw error;
    }
  }
  const spans = await waitForSpans(tracing.exporter, sent.length);
  expect(spans.map((s) => s.instrumentationScope.name)).toEqual(sent.map(() => '@llm-provenance/instrumentation-openai'));
  return spans.map((s) => withoutTiming(s.attributes));
}

/**
 * The GenAI spans (in the order their calls were made), after checking the span set as a whole: without
 * telemetry they are all the spans there are; with it, each is the only child of its own AI SDK
 * `doX` span, in one trace with the AI SDK's call span. `nested` false: the AI SDK line does not run
 * this operation's model call in the context of its `doX` span (the 7 line does so only for the language
 * model calls of generateText and streamText), so the GenAI span is a root span, of a trace of its own.
 */
function modelCallSpans(spans: ReadableSpan[], telemetry: boolean, aiOperation: string, doOperation: string, calls: number, nested = true): ReadableSpan[] {
  const ours = genAISpans(spans).sort((a, b) => Number(a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]));
  expect(ours).toHaveLength(calls);
  for (const span of ours) {
    expect(span.instrumentationScope.name).toBe('@llm-provenance/instrumentation-ai-sdk');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  }
  if (!telemetry) {
    expect(spans).toHaveLength(calls);
    return ours;
  }
  const root = spans.filter((s) => s.name === aiOperation);
  expect(root).toHaveLength(1);
  const doSpans = spans.filter((s) => s.name === doOperation);
  expect(doSpans).toHaveLength(calls);
  for (const [i, span] of ours.entries()) {
    if (!nested) {
      expect(parentOf(span)).toBeUndefined();
      continue;
    }
    const doSpan = doSpans.find((d) => d.spanContext().spanId === parentOf(span));
    expect(doSpan, `the parent of GenAI span ${i} is a ${doOperation} span`).toBeDefined();
    expect(parentOf(doSpan!)).toBe(root[0]!.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(root[0]!.spanContext().traceId);
  }
  // The AI SDK's spans are not GenAI records: they name neither an operation nor a provider.
  for (const span of spans.filter((s) => s.instrumentationScope.name === 'ai')) {
    expect(span.attributes['gen_ai.operation.name']).toBeUndefined();
    expect(span.attributes['gen_ai.provider.name']).toBeUndefined();
  }
  return ours;
}

async function settled(count: number): Promise<ReadableSpan[]> {
  return waitForSpans(tracing.exporter, count);
}

for (const line of AI_SDK_LINES) {
  describe.skipIf(line.skip !== false)(lineTitle(line), () => {
    const sdk = useAiSdk(line);
    const provider = () => sdk().openai.createOpenAI({ baseURL: `${emu.url}/v1`, apiKey: API_KEY });
    const weather = () =>
      sdk().ai.tool({
        description: 'The weather in a city',
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => `sunny in ${city}`,
      });

    describe.each([
      ['without experimental_telemetry', false],
      ['with experimental_telemetry', true],
    ])('the AI SDK %s', (_label, telemetry) => {
      /** The AI SDK's own spans per call when its telemetry is on: the call's, and one per model call (plus one per tool run). */
      const total = (calls: number, extra = 0) => (telemetry ? calls + 1 + calls + extra : calls);

      it('generateText with a tool over Chat Completions: one span per step, as the openai SDK gets', async () => {
        const scenarios: Scenario[] = [{ kind: 'tool_call', name: 'weather', arguments: { city: 'Paris' } }];
        emu.enqueue(...scenarios);
        const result = await sdk().ai.generateText({
          model: provider().chat(MODEL),
          prompt: 'What is the weather in Paris?',
          tools: { weather: weather() },
          stopWhen: sdk().ai.stepCountIs(3),
          experimental_telemetry: sdk().telemetry(telemetry),
        });
        expect(result.steps).toHaveLength(2);
        expect(result.text).toBe('Echo: What is the weather in Paris?');
        const spans = modelCallSpans(await settled(total(2, 1)), telemetry, 'ai.generateText', 'ai.generateText.doGenerate', 2);
        const expected = [
          {
            ...base('chat', MODEL),
            'openai.api.type': 'chat_completions',
            'gen_ai.tool.definitions': TOOL_DEFINITIONS,
            'gen_ai.input.messages': json([user('What is the weather in Paris?')]),
            'gen_ai.response.id': 'chatcmpl-emu-1',
            'gen_ai.response.model': MODEL,
            'gen_ai.response.finish_reasons': ['tool_calls'],
            ...usage(6, 2),
            ...cost(0.0000021),
            'gen_ai.output.messages': assistant([{ type: 'tool_call', id: 'call-emu-1', name: 'weather', arguments: { city: 'Paris' } }], 'tool_call'),
            'openai.response.service_tier': 'default',
            'openai.response.system_fingerprint': 'fp_emu',
            'provenance.provider.request_id': 'req_emu_1',
          },
          {
            ...base('chat', MODEL),
            'openai.api.type': 'chat_completions',
            'gen_ai.tool.definitions': TOOL_DEFINITIONS,
            'gen_ai.input.messages': json([
              user('What is the weather in Paris?'),
              { role: 'assistant', parts: [{ type: 'tool_call', id: 'call-emu-1', name: 'weather', arguments: { city: 'Paris' } }] },
              { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call-emu-1', response: 'sunny in Paris' }] },
            ]),
            'gen_ai.response.id': 'chatcmpl-emu-2',
            'gen_ai.response.model': MODEL,
            'gen_ai.response.finish_reasons': ['stop'],
            ...usage(9, 7),
            ...cost(0.00000555),
            'gen_ai.output.messages': assistant([text('Echo: What is the weather in Paris?')], 'stop'),
            'openai.response.service_tier': 'default',
            'openai.response.system_fingerprint': 'fp_emu',
            'provenance.provider.request_id': 'req_emu_2',
          },
        ];
        expect(spans.map((s) => s.attributes)).toEqual(expected);
        expect(await openaiSdkAttributes(scenarios)).toEqual(spans.map((s) => withoutTiming(s.attributes)));
      });

      it.each([
        ['Chat Completions', 'chat'],
        ['the Responses API', 'responses'],
      ] as const)('streamText over %s: one span, as the openai SDK gets', async (_api, kind) => {
        const result = sdk().ai.streamText({
          model: kind === 'chat' ? provider().chat(MODEL) : provider()(MODEL),
          prompt: 'hello stream',
          experimental_telemetry: sdk().telemetry(telemetry),
        });
        expect(await result.text).toBe('Echo: hello stream');
        const [span] = modelCallSpans(await settled(total(1)), telemetry, 'ai.streamText', 'ai.streamText.doStream', 1);
        expect(span!.attributes).toEqual({
          ...base('chat', MODEL),
          'gen_ai.request.stream': true,
          'openai.api.type': kind === 'chat' ? 'chat_completions' : 'responses',
          'gen_ai.input.messages': json([user('hello stream')]),
          'gen_ai.response.id': kind === 'chat' ? 'chatcmpl-emu-1' : 'resp-emu-1',
          'gen_ai.response.model': MODEL,
          'gen_ai.response.finish_reasons': [kind === 'chat' ? 'stop' : 'completed'],
          ...usage(2, 3),
          ...cost(0.0000021),
          'gen_ai.output.messages': assistant([text('Echo: hello stream')], 'stop'),
          'openai.response.service_tier': 'default',
          ...(kind === 'chat' ? { 'openai.response.system_fingerprint': 'fp_emu' } : {}),
          'provenance.provider.request_id': 'req_emu_1',
          ...ttfc,
        });
        expect(await openaiSdkAttributes([])).toEqual([withoutTiming(span!.attributes)]);
      });

      it('generateText with a tool over the Responses API (openai(model), the default): one span per step', async () => {
        const scenarios: Scenario[] = [{ kind: 'tool_call', name: 'weather', arguments: { city: 'Oslo' } }];
        emu.enqueue(...scenarios);
        const result = await sdk().ai.generateText({
          model: provider()(MODEL),
          prompt: 'Weather in Oslo?',
          tools: { weather: weather() },
          stopWhen: sdk().ai.stepCountIs(3),
          experimental_telemetry: sdk().telemetry(telemetry),
        });
        expect(result.steps).toHaveLength(2);
        const spans = modelCallSpans(await settled(total(2, 1)), telemetry, 'ai.generateText', 'ai.generateText.doGenerate', 2);
        const step = { ...base('chat', MODEL), 'openai.api.type': 'responses', 'gen_ai.tool.definitions': TOOL_DEFINITIONS, 'gen_ai.response.model': MODEL };
        const toolCall = { type: 'tool_call', id: 'call-emu-1', name: 'weather', arguments: { city: 'Oslo' } };
        expect(spans.map((s) => s.attributes)).toEqual([
          {
            ...step,
            'gen_ai.input.messages': json([user('Weather in Oslo?')]),
            'gen_ai.response.id': 'resp-emu-1',
            'gen_ai.response.finish_reasons': ['completed'],
            ...usage(3, 2),
            ...cost(0.00000165),
            'gen_ai.output.messages': assistant([toolCall], 'tool_call'),
            'openai.response.service_tier': 'default',
            'provenance.provider.request_id': 'req_emu_1',
          },
          {
            ...step,
            'gen_ai.input.messages': json([
              user('Weather in Oslo?'),
              { role: 'assistant', parts: [toolCall] },
              { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call-emu-1', response: 'sunny in Oslo' }] },
            ]),
            'gen_ai.response.id': 'resp-emu-2',
            'gen_ai.response.finish_reasons': ['completed'],
            ...usage(6, 4),
            ...cost(0.0000033),
            'gen_ai.output.messages': assistant([text('Echo: Weather in Oslo?')], 'stop'),
            'openai.response.service_tier': 'default',
            'provenance.provider.request_id': 'req_emu_2',
          },
        ]);
        expect(await openaiSdkAttributes(scenarios)).toEqual(spans.map((s) => withoutTiming(s.attributes)));
      });

      it('embed and embedMany: one embeddings span each, as the openai SDK gets', async () => {
        const one = await sdk().ai.embed({
          model: provider().embedding(EMBEDDING_MODEL),
          value: 'embed me',
          experimental_telemetry: sdk().telemetry(telemetry),
        });
        expect(one.embedding).toHaveLength(1536);
        const [single] = modelCallSpans(await settled(total(1)), telemetry, 'ai.embed', 'ai.embed.doEmbed', 1, line.nestsEveryModelCall);
        tracing.exporter.reset();
        const many = await sdk().ai.embedMany({
          model: provider().embedding(EMBEDDING_MODEL),
          values: ['one', 'two'],
          experimental_telemetry: sdk().telemetry(telemetry),
        });
        expect(many.embeddings).toHaveLength(2);
        const [batch] = modelCallSpans(await settled(total(1)), telemetry, 'ai.embedMany', 'ai.embedMany.doEmbed', 1, line.nestsEveryModelCall);
        const spans = [single!, batch!];
        const embeddings = (n: number, inputs: string[]) => ({
          ...base('embeddings', EMBEDDING_MODEL),
          'gen_ai.request.encoding_formats': ['float'],
          'gen_ai.input.messages': json(inputs.map(user)),
          'gen_ai.response.model': EMBEDDING_MODEL,
          'gen_ai.embeddings.dimension.count': 1536,
          'gen_ai.usage.input_tokens': 2,
          ...cost(4e-8),
          'provenance.provider.request_id': `req_emu_${n}`,
        });
        expect(spans.map((s) => s.attributes)).toEqual([embeddings(1, ['embed me']), embeddings(2, ['one', 'two'])]);
        expect(await openaiSdkAttributes([])).toEqual(spans.map((s) => withoutTiming(s.attributes)));
      });

      it('generateObject and streamObject: one span each, as the openai SDK gets', async () => {
        const schema = z.object({ city: z.string() });
        const generated = await sdk().ai.generateObject({
          model: provider().chat(MODEL),
          schema,
          prompt: 'A city, please',
          experimental_telemetry: sdk().telemetry(telemetry),
        });
        expect(typeof generated.object.city).toBe('string');
        const [whole] = modelCallSpans(await settled(total(1)), telemetry, 'ai.generateObject', 'ai.generateObject.doGenerate', 1, line.nestsEveryModelCall);
        tracing.exporter.reset();
        const streamed = sdk().ai.streamObject({
          model: provider().chat(MODEL),
          schema,
          prompt: 'Another city',
          experimental_telemetry: sdk().telemetry(telemetry),
        });
        for await (const _part of streamed.partialObjectStream) void _part;
        expect(typeof (await streamed.object).city).toBe('string');
        const [parts] = modelCallSpans(await settled(total(1)), telemetry, 'ai.streamObject', 'ai.streamObject.doStream', 1, line.nestsEveryModelCall);
        const spans = [whole!, parts!];
        const object = (n: number, prompt: string) => ({
          ...base('chat', MODEL),
          'openai.api.type': 'chat_completions',
          'gen_ai.output.type': 'json',
          'gen_ai.input.messages': json([user(prompt)]),
          'gen_ai.response.id': `chatcmpl-emu-${n}`,
          'gen_ai.response.model': MODEL,
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.output.messages': assistant([text(json({ city: `Echo: ${prompt}` }))], 'stop'),
          'openai.response.service_tier': 'default',
          'openai.response.system_fingerprint': 'fp_emu',
          'provenance.provider.request_id': `req_emu_${n}`,
        });
        expect(spans.map((s) => s.attributes)).toEqual([
          { ...object(1, 'A city, please'), ...usage(3, 4), ...cost(0.00000285) },
          { ...object(2, 'Another city'), 'gen_ai.request.stream': true, ...usage(2, 3), ...cost(0.0000021), ...ttfc },
        ]);
        expect(await openaiSdkAttributes([])).toEqual(spans.map((s) => withoutTiming(s.attributes)));
      });

      it("a failed call (HTTP 429, no retries): its span records the failure as the openai SDK's does", async () => {
        const scenarios: Scenario[] = [{ kind: 'error', status: 429, retryAfter: 1 }];
        emu.enqueue(...scenarios);
        const error = await sdk()
          .ai.generateText({ model: provider().chat(MODEL), prompt: 'too many', maxRetries: 0, experimental_telemetry: sdk().telemetry(telemetry) })
          .catch((e: unknown) => e);
        expect(sdk().ai.APICallError.isInstance(error) && error.statusCode).toBe(429);
        const spans = genAISpans(await settled(telemetry ? 3 : 1));
        expect(spans).toHaveLength(1);
        expect(spans[0]!.status.code).toBe(SpanStatusCode.ERROR);
        expect(spans[0]!.attributes).toEqual({
          ...base('chat', MODEL),
          'openai.api.type': 'chat_completions',
          'gen_ai.input.messages': json([user('too many')]),
          'error.type': '429',
          'http.response.status_code': 429,
          'provenance.provider.request_id': 'req_emu_1',
        });
        expect(await openaiSdkAttributes(scenarios)).toEqual([spans[0]!.attributes]);
      });
    });

    // The 7 line's @ai-sdk/otel also offers `OpenTelemetry`, an integration whose spans follow the GenAI
    // conventions themselves (see the README, "The AI SDK's own telemetry").
    if (line.genAIIntegration) {
      describe("with @ai-sdk/otel's OpenTelemetry integration", () => {
        it('generateText with a tool: the GenAI span of each step is the child of the AI SDK span of that model call', async () => {
          const scenarios: Scenario[] = [{ kind: 'tool_call', name: 'weather', arguments: { city: 'Lima' } }];
          emu.enqueue(...scenarios);
          const result = await sdk().ai.generateText({
            model: provider().chat(MODEL),
            prompt: 'Weather in Lima?',
            tools: { weather: weather() },
            stopWhen: sdk().ai.stepCountIs(3),
            experimental_telemetry: sdk().genAITelemetry!(),
          });
          expect(result.steps).toHaveLength(2);
          const spans = await settled(8);
          const theirs = spans.filter((s) => s.instrumentationScope.name === 'gen_ai');
          expect(theirs.map((s) => s.name).sort()).toEqual(
            ['invoke_agent gpt-4o-mini', 'step 1', 'step 2', 'chat gpt-4o-mini', 'chat gpt-4o-mini', 'execute_tool weather'].sort(),
          );
          const ours = spans
            .filter((s) => s.instrumentationScope.name === '@llm-provenance/instrumentation-ai-sdk')
            .sort((a, b) => Number(a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]));
          expect(ours).toHaveLength(2);
          for (const span of ours) {
            const parent = theirs.find((t) => t.spanContext().spanId === parentOf(span));
            expect(parent?.name).toBe('chat gpt-4o-mini');
            expect(span.spanContext().traceId).toBe(parent!.spanContext().traceId);
          }
          // The AI SDK's chat span of each call names ours as the span that records the call, so the store's
          // readers count each model call once (ours, with its payloads and cost); its agent and step spans
          // are not calls either.
          for (const span of ours) {
            const parent = theirs.find((t) => t.spanContext().spanId === parentOf(span))!;
            expect(parent.attributes['provenance.model_call.recorded_by']).toBe(span.spanContext().spanId);
          }
          expect(
            spans
              .filter((s) => isModelCallAttributes(s.attributes))
              .map((s) => s.spanContext().spanId)
              .sort(),
          ).toEqual(ours.map((s) => s.spanContext().spanId).sort());
          // The same attributes as the openai SDK's call gets, as without the AI SDK's telemetry.
          expect(await openaiSdkAttributes(scenarios)).toEqual(ours.map((s) => withoutTiming(s.attributes)));
        });

        it('embed: the request runs outside the AI SDK embeddings spans, so they stay unmarked (what the README says)', async () => {
          const one = await sdk().ai.embed({
            model: provider().embedding(EMBEDDING_MODEL),
            value: 'embed me',
            experimental_telemetry: sdk().genAITelemetry!(),
          });
          expect(one.embedding).toHaveLength(1536);
          const spans = await settled(3);
          const theirs = spans.filter((s) => s.instrumentationScope.name === 'gen_ai');
          const ours = spans.filter((s) => s.instrumentationScope.name === '@llm-provenance/instrumentation-ai-sdk');
          expect(theirs.map((s) => s.name)).toEqual([`embeddings ${EMBEDDING_MODEL}`, `embeddings ${EMBEDDING_MODEL}`]);
          expect(ours).toHaveLength(1);
          expect(theirs.map((s) => s.spanContext().spanId)).not.toContain(parentOf(ours[0]!));
          expect(theirs.map((s) => s.attributes['provenance.model_call.recorded_by'])).toEqual([undefined, undefined]);
          expect(spans.filter((s) => isModelCallAttributes(s.attributes))).toHaveLength(3);
        });
      });
    }
  });
}
