import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '@llm-provenance/test-support';
import { SUPPORTED_VERSIONS } from '@llm-provenance/instrumentation-google-genai';
import { captureDiagWarnings, setupTracing, waitForSpans } from './tracing.js';

const SUPPORTED_GOOGLE_GENAI_VERSIONS = SUPPORTED_VERSIONS['@google/genai'];
const SUPPORTED_GENERATIVE_AI_VERSIONS = SUPPORTED_VERSIONS['@google/generative-ai'];

const tracing = setupTracing({ captureMessageContent: false, priceTable: { 'gcp.vertex_ai': { 'gemini-2.5-flash': { input: 1, output: 2 } } } });
const require = createRequire(import.meta.url);
const { GoogleGenAI } = require('@google/genai');

describe('google-genai instrumentation policy', () => {
  const emu = useEmulator();

  it('records no content when capture is off, and applies a user price table', async () => {
    const ai = new GoogleGenAI({ vertexai: true, apiKey: 'k', httpOptions: { baseUrl: emu.url } });
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'private words here',
      config: { systemInstruction: 'secret system', tools: [{ functionDeclarations: [{ name: 'f' }] }] },
    });
    for await (const chunk of stream) void chunk;
    const [span] = await waitForSpans(tracing.exporter, 1);
    const { 'provenance.credential.fingerprint': fingerprint, ...rest } = span.attributes;
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(rest).toEqual({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'server.address': '127.0.0.1',
      'server.port': emu.port,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': 'gemini-emu-1',
      'gen_ai.response.model': 'gemini-2.5-flash',
      'gen_ai.response.finish_reasons': ['STOP'],
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 4,
      // (5 * 1 + 4 * 2) / 1e6 USD
      'gen_ai.usage.cost.amount': 0.000013,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'user_table',
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
    tracing.exporter.reset();
  });

  it('skips SDK versions outside the supported ranges with a diag warning, leaving them unpatched', async () => {
    const [genai, legacy] = (tracing.instrumentation as any).getModuleDefinitions();
    class Models {
      generateContentInternal() {
        return 'original';
      }
    }
    const exports = { Models };
    const warnings = await captureDiagWarnings(() => {
      expect(genai.patch(exports, '0.15.0')).toBe(exports);
      expect(legacy.patch({}, '0.1.0')).toEqual({});
    });
    expect(warnings).toEqual([
      `@llm-provenance/instrumentation-google-genai @google/genai@0.15.0 is outside the supported range "${SUPPORTED_GOOGLE_GENAI_VERSIONS}"; it is not instrumented`,
      `@llm-provenance/instrumentation-google-genai @google/generative-ai@0.1.0 is outside the supported range "${SUPPORTED_GENERATIVE_AI_VERSIONS}"; it is not instrumented`,
    ]);
    expect(new Models().generateContentInternal()).toBe('original');
  });
});
