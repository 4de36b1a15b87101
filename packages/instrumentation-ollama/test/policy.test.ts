import { createRequire } from 'node:module';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_VERSIONS } from '@llm-provenance/instrumentation-ollama';
import { captureDiagWarnings, useEmulator } from '@llm-provenance/test-support';
import { setupTracing, waitForSpans } from './tracing.js';

const SUPPORTED_OLLAMA_VERSIONS = SUPPORTED_VERSIONS.ollama;

// llama3.2 priced per token; qwen3 as on a rented GPU server, $36 an hour of call time.
const CONFIG = { captureMessageContent: false, priceTable: { ollama: { 'llama3.2': { input: 0.1, output: 0.4 }, qwen3: { perHour: 36 } } } };
const tracing = setupTracing(CONFIG);
const require = createRequire(import.meta.url);
const { Ollama } = require('ollama');

describe('ollama instrumentation policy', () => {
  const emu = useEmulator();

  it('records no content attributes when capture is off, and prices a model the user priced', async () => {
    const client = new Ollama({ host: emu.url });
    const stream = await client.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'secret prompt text' }],
      stream: true,
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.message.content;
    expect(text).toBe('Echo: secret prompt text');
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'ollama',
      'gen_ai.request.model': 'llama3.2',
      'server.address': '127.0.0.1',
      'server.port': emu.port,
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'llama3.2',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'ollama.response.total_duration': 12_000_000,
      'ollama.response.load_duration': 1_000_000,
      'ollama.response.prompt_eval_duration': 3_000_000,
      'ollama.response.eval_duration': 8_000_000,
      // (3 * 0.1 + 4 * 0.4) / 1e6 USD
      'gen_ai.usage.cost.amount': 0.0000019,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'user_table',
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
    tracing.exporter.reset();
  });

  it('prices a model priced per hour by the duration of the call', async () => {
    const client = new Ollama({ host: emu.url });
    const before = performance.now();
    await client.chat({ model: 'qwen3', messages: [{ role: 'user', content: 'hi' }], stream: false });
    const seconds = (performance.now() - before) / 1000;
    const [span] = await waitForSpans(tracing.exporter, 1);
    const amount = span.attributes['gen_ai.usage.cost.amount'] as number;
    expect({ currency: span.attributes['gen_ai.usage.cost.currency'], source: span.attributes['gen_ai.usage.cost.source'] }).toEqual({
      currency: 'USD',
      source: 'user_table',
    });
    // The call's time runs from the traced call to its response, inside the time the test measured
    // around it: never more than that at $0.01 a second, and more than nothing.
    expect(amount).toBeGreaterThan(0);
    expect(amount).toBeLessThanOrEqual(seconds * 0.01);
    tracing.exporter.reset();
  });

  it('leaves the SDK untouched when disabled, and patches it again when re-enabled', async () => {
    const client = new Ollama({ host: emu.url });
    tracing.instrumentation.disable();
    const response = await client.generate({ model: 'llama3.2', prompt: 'untraced' });
    expect(response.response).toBe('Echo: untraced');
    expect(await tracing.spans()).toEqual([]);
    tracing.instrumentation.enable();
    await client.generate({ model: 'llama3.2', prompt: 'traced' });
    const spans = await waitForSpans(tracing.exporter, 1);
    expect(spans.map((s) => s.name)).toEqual(['text_completion llama3.2']);
    tracing.exporter.reset();
  });

  it('passes SDK-side failures through unchanged (an invalid request never reaches our mapper as a crash)', async () => {
    const client = new Ollama({ host: emu.url });
    // messages is not iterable: the SDK itself throws a TypeError before any HTTP request.
    const err = await client.chat({ model: 'llama3.2', messages: 42 as any }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('TypeError');
    tracing.exporter.reset();
  });

  it('honours the enum values of OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: NO_CONTENT records no content', async () => {
    // The GenAI utils repurposed the variable as NO_CONTENT | SPAN_ONLY | EVENT_ONLY | SPAN_AND_EVENT
    // (opentelemetry-python-contrib util/opentelemetry-util-genai); a user who says NO_CONTENT must get none.
    const client = new Ollama({ host: emu.url });
    const saved = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
    const contentKeys = (attrs: Record<string, unknown>) => Object.keys(attrs).filter((k) => /messages|instructions|definitions/.test(k));
    const seen: Record<string, string[]> = {};
    try {
      for (const mode of ['NO_CONTENT', 'EVENT_ONLY', 'off', 'SPAN_ONLY', 'span_and_event']) {
        process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = mode;
        tracing.instrumentation.setConfig({}); // the env var is read when the configuration is (re)applied
        await client.generate({ model: 'llama3.2', prompt: 'private words', system: 'private system' });
        const [span] = await waitForSpans(tracing.exporter, 1);
        seen[mode] = contentKeys(span.attributes);
        tracing.exporter.reset();
      }
    } finally {
      if (saved === undefined) delete process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
      else process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = saved;
      tracing.instrumentation.setConfig(CONFIG);
    }
    const all = ['gen_ai.input.messages', 'gen_ai.system_instructions', 'gen_ai.output.messages'];
    expect(seen).toEqual({ NO_CONTENT: [], EVENT_ONLY: [], off: [], SPAN_ONLY: all, span_and_event: all });
  });

  it(`skips a version outside ${SUPPORTED_OLLAMA_VERSIONS} with a diag warning instead of patching it`, async () => {
    const [definition] = (tracing.instrumentation as any).getModuleDefinitions();
    class FakeOllama {
      chat() {
        return 'original';
      }
    }
    const exports = { Ollama: FakeOllama, default: new FakeOllama() };
    const warnings = await captureDiagWarnings(() => {
      expect(definition.patch(exports, '0.4.9')).toBe(exports);
    });
    expect(warnings).toEqual([
      `@llm-provenance/instrumentation-ollama ollama@0.4.9 is outside the supported range "${SUPPORTED_OLLAMA_VERSIONS}"; it is not instrumented`,
    ]);
    expect(FakeOllama.prototype.chat()).toBe('original');
    expect((FakeOllama.prototype.chat as any).__wrapped).toBeUndefined();
  });
});
