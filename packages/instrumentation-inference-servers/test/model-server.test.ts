import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { CLIENTS } from './clients.js';
import { assistantParts, assistantText, userParts, userText, withoutContent } from './content.js';
import { setupTracing, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

const base = (model: string) => ({
  'gen_ai.operation.name': 'infer',
  'gen_ai.provider.name': 'model_server',
  'gen_ai.request.model': model,
  'server.address': '127.0.0.1',
  'server.port': emu.port,
});

describe.each(Object.entries(CLIENTS))('REST model server through %s', (_client, post) => {
  it.each([true, false])('records infer and batch_infer; listing models gives no span (content %s)', async (content) => {
    tracing.instrumentation.setConfig({ captureMessageContent: content });
    expect((await fetch(`${emu.url}/models`)).status).toBe(200);
    expect((await fetch(`${emu.url}/models/echo-1`)).status).toBe(200);
    await post(`${emu.url}/models/echo-1/infer`, JSON.stringify({ input: 'two words', parameters: { max_new_tokens: 8, temperature: 0.2 } }));
    await post(`${emu.url}/models/echo-2/batch_infer`, JSON.stringify({ inputs: ['a', { x: 1 }], parameters: { top_k: 3 } }));
    const spans = await waitForSpans(tracing, 2);
    const infer = {
      ...base('echo-1'),
      'gen_ai.request.max_tokens': 8,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.input.messages': userText('two words'),
      'gen_ai.response.id': 'inf-3',
      'gen_ai.response.model': 'echo-1',
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.output.messages': assistantText('Echo: two words'),
    };
    const batch = {
      ...base('echo-2'),
      'gen_ai.request.top_k': 3,
      'model_server.request.batch_size': 2,
      'gen_ai.input.messages': userParts([
        { type: 'text', content: 'a' },
        { type: 'data', content: { x: 1 } },
      ]),
      'gen_ai.response.id': 'inf-4',
      'gen_ai.response.model': 'echo-2',
      'gen_ai.usage.input_tokens': 8,
      'gen_ai.usage.output_tokens': 9,
      'gen_ai.output.messages': assistantParts([
        { type: 'text', content: 'Echo: a' },
        { type: 'data', content: { x: 1 } },
      ]),
    };
    expect(spans.map((s) => s.attributes)).toEqual(content ? [infer, batch] : [withoutContent(infer), withoutContent(batch)]);
  });

  it('records an unknown model as a 404 error', async () => {
    tracing.instrumentation.setConfig({});
    await post(`${emu.url}/models/missing/infer`, JSON.stringify({ input: 'x' }));
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: '404 model missing not found' });
    expect(span.attributes).toEqual({ ...base('missing'), 'gen_ai.input.messages': userText('x'), 'error.type': '404', 'http.response.status_code': 404 });
  });
});
