import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { CLIENTS } from './clients.js';
import { assistantParts, assistantText, userParts, userText, withoutContent } from './content.js';
import { setupTracing, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

const base = (operation: string, model: string) => ({
  'gen_ai.operation.name': operation,
  'gen_ai.provider.name': 'openvino.ovms',
  'gen_ai.request.model': model,
  'server.address': '127.0.0.1',
  'server.port': emu.port,
});

function configure(captureMessageContent = true): void {
  tracing.instrumentation.setConfig({ servers: [{ profile: 'openvino.ovms', url: emu.url }], captureMessageContent });
}

describe.each(Object.entries(CLIENTS))('OpenVINO Model Server through %s', (_client, post) => {
  it.each([true, false])('records a TensorFlow Serving predict call with the model and version from the path (content %s)', async (content) => {
    configure(content);
    const reply = await post(
      `${emu.url}/v1/models/resnet/versions/2:predict`,
      JSON.stringify({
        instances: [
          [1, 2],
          [3, 4],
        ],
      }),
    );
    expect(JSON.parse(reply.text)).toEqual({
      predictions: [
        [2, 4],
        [6, 8],
      ],
    });
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('predict resnet');
    const expected = {
      ...base('predict', 'resnet'),
      'inference_server.request.model_version': '2',
      'gen_ai.input.messages': userParts([
        {
          type: 'data',
          content: [
            [1, 2],
            [3, 4],
          ],
        },
      ]),
      'gen_ai.output.messages': assistantParts([
        {
          type: 'data',
          content: [
            [2, 4],
            [6, 8],
          ],
        },
      ]),
      'provenance.usage.unknown': true,
    };
    expect(span.attributes).toEqual(content ? expected : withoutContent(expected));
  });

  it('records a KServe v2 infer call, and its error', async () => {
    configure();
    const tensor = { name: 'x', datatype: 'FP32', shape: [1, 2], data: [0.5, 1.5] };
    await post(`${emu.url}/v2/models/dense/infer`, JSON.stringify({ id: 'req-7', inputs: [tensor] }));
    const failed = await post(`${emu.url}/v2/models/dense/versions/3/infer`, JSON.stringify({ inputs: [] }));
    expect(failed.status).toBe(400);
    const [ok, error] = await waitForSpans(tracing, 2);
    expect(ok.attributes).toEqual({
      ...base('infer', 'dense'),
      'gen_ai.input.messages': userParts([{ type: 'tensor', ...tensor }]),
      'gen_ai.response.id': 'req-7',
      'gen_ai.response.model': 'dense',
      'gen_ai.output.messages': assistantParts([{ type: 'tensor', name: 'output0', datatype: 'FP32', shape: [1, 2], data: [1, 3] }]),
      'provenance.usage.unknown': true,
    });
    expect(error.status).toEqual({ code: SpanStatusCode.ERROR, message: '400 Invalid message structure - missing inputs field' });
    expect(error.attributes).toEqual({
      ...base('infer', 'dense'),
      'inference_server.request.model_version': '3',
      'gen_ai.input.messages': userParts([]),
      'error.type': '400',
      'http.response.status_code': 400,
    });
  });

  it('recognises /v3 without configuration: chat streamed with its usage chunk, and rerank', async () => {
    tracing.instrumentation.setConfig({});
    const stream = await post(
      `${emu.url}/v3/chat/completions`,
      JSON.stringify({ model: 'Qwen/Qwen3-8B', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x y' }] }),
    );
    expect(stream.text.endsWith('data: [DONE]\n\n')).toBe(true);
    await post(`${emu.url}/v3/rerank`, JSON.stringify({ model: 'BAAI/bge-reranker-large', query: 'cat', documents: ['a dog', 'a cat'] }));
    const [chat, rerank] = await waitForSpans(tracing, 2);
    expect(chat.attributes).toEqual({
      ...base('chat', 'Qwen/Qwen3-8B'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('x y'),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'Qwen/Qwen3-8B',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.output.messages': assistantText('Echo: x y'),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
    expect(rerank.attributes).toEqual({
      ...base('rerank', 'BAAI/bge-reranker-large'),
      'gen_ai.input.messages': userText('cat', 'a dog', 'a cat'),
      'gen_ai.output.messages': assistantParts([
        { type: 'score', index: 1, score: 1 },
        { type: 'score', index: 0, score: 0 },
      ]),
      'provenance.usage.unknown': true,
    });
  });
});
