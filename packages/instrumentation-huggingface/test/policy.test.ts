import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_VERSIONS } from '@llm-provenance/instrumentation-huggingface';
import { tgi } from '@llm-provenance/provider-emulators';
import { captureDiagWarnings, resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { loadHfInference, setupTracing, textOutput, userMessages, waitForSpans } from './helpers.js';

const RANGE = SUPPORTED_VERSIONS['@huggingface/inference'];
const tracing = setupTracing();
const { InferenceClient, textGeneration } = loadHfInference();
const emu = useEmulator({ providers: [tgi] });
resetBeforeEach(emu, tracing.exporter);

describe('huggingface instrumentation policy', () => {
  it('traces the standalone task functions as well as the client', async () => {
    const out = await textGeneration({ accessToken: 'hf_x', endpointUrl: emu.url, model: 'smol', inputs: 'a' });
    expect(out).toEqual({ generated_text: 'Echo: a' });
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('text_completion smol');
    expect(span.attributes['gen_ai.provider.name']).toBe('hf.tgi');
  });

  it('leaves the SDK untouched when disabled, and traces again when re-enabled', async () => {
    const client = new InferenceClient('hf_x').endpoint(emu.url);
    tracing.instrumentation.disable();
    try {
      expect(await client.textGeneration({ inputs: 'untraced' })).toEqual({ generated_text: 'Echo: untraced' });
    } finally {
      tracing.instrumentation.enable();
    }
    await client.textGeneration({ inputs: 'traced' });
    const spans = await waitForSpans(tracing, 1);
    expect(spans[0].attributes['gen_ai.input.messages']).toBe(userMessages('traced'));
  });

  it('ends the span of a stream the caller leaves early, with the output read so far', async () => {
    const client = new InferenceClient('hf_x').endpoint(emu.url);
    let text = '';
    for await (const chunk of client.chatCompletionStream({ model: 'tgi', messages: [{ role: 'user', content: 'a b c d' }] })) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (text !== '') break;
    }
    expect(text).toBe('Echo:');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.output.messages']).toBe(textOutput('Echo:', 'error'));
    expect(span.attributes).not.toHaveProperty('gen_ai.response.finish_reasons');
    expect(span.attributes).not.toHaveProperty('error.type');
  });

  it('records an abort through `options.signal` as AbortError', async () => {
    // Held after the first event (`hold_after`), so the abort lands while the rest is still owed.
    emu.enqueue({ kind: 'hold_after', chunks: 1 });
    const client = new InferenceClient('hf_x').endpoint(emu.url);
    const controller = new AbortController();
    let text = '';
    await expect(async () => {
      for await (const chunk of client.textGenerationStream({ inputs: 'a b c d e f' }, { signal: controller.signal })) {
        text += chunk.choices?.[0]?.text ?? '';
        controller.abort();
      }
    }).rejects.toThrow();
    expect(text).toBe('Echo:');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('AbortError');
    expect(span.attributes['gen_ai.output.messages']).toBe(textOutput('Echo:', 'error'));
  });

  it('passes an SDK input error through unchanged, with its span', async () => {
    const client = new InferenceClient('hf_x').endpoint(emu.url);
    await expect(client.chatCompletion({ provider: 'together', model: 'm', messages: [] })).rejects.toThrow(
      'Specifying both endpointUrl and provider is not supported.',
    );
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes['error.type']).toBe('InferenceClientInputError');
    expect(emu.requests).toEqual([]);
  });

  it(`skips a version outside ${RANGE} with a diag warning, and patches its task files only within the range`, async () => {
    const [definition] = (tracing.instrumentation as any).getModuleDefinitions();
    const exports = { InferenceClient: class {} };
    const warnings = await captureDiagWarnings(() => {
      expect(definition.patch(exports, '3.15.0')).toBe(exports);
    });
    expect(warnings).toEqual([
      `@llm-provenance/instrumentation-huggingface @huggingface/inference@3.15.0 is outside the supported range "${RANGE}"; it is not instrumented`,
    ]);
    expect(definition.files.map((f: { name: string }) => f.name)).toContain('@huggingface/inference/dist/esm/tasks/nlp/chatCompletion.js');
    for (const file of definition.files) expect(file.supportedVersions).toEqual([RANGE]);
  });
});
