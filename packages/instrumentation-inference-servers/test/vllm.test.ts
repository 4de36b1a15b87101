import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { CLIENTS } from './clients.js';
import { assistantParts, assistantText, userText, withoutContent } from './content.js';
import { setupTracing, waitForSpans } from './helpers.js';

const tracing = setupTracing();
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);
const KEY = 'sk-vllm-test-0123456789';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const auth = { authorization: `Bearer ${KEY}` };

const base = (operation: string, model: string | undefined = MODEL) => ({
  'gen_ai.operation.name': operation,
  'gen_ai.provider.name': 'vllm',
  ...(model ? { 'gen_ai.request.model': model } : {}),
  'server.address': '127.0.0.1',
  'server.port': emu.port,
  'provenance.credential.fingerprint': fingerprintCredential(KEY),
});
const chatUsage = (input: number, output: number) => ({
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.cache_read.input_tokens': 0,
  'gen_ai.usage.reasoning.output_tokens': 0,
});

function configure(captureMessageContent = true): void {
  tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }], captureMessageContent });
}

describe.each(Object.entries(CLIENTS))('vLLM through %s', (_client, post) => {
  it.each([true, false])('records a chat completion, plain (content %s)', async (content) => {
    configure(content);
    const reply = await post(
      `${emu.url}/v1/chat/completions`,
      JSON.stringify({ model: MODEL, max_tokens: 20, temperature: 0, messages: [{ role: 'user', content: 'hello there' }] }),
      auth,
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).choices[0].message.content).toBe('Echo: hello there');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const expected = {
      ...base('chat'),
      'gen_ai.request.max_tokens': 20,
      'gen_ai.request.temperature': 0,
      'gen_ai.input.messages': userText('hello there'),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      ...chatUsage(2, 3),
      'gen_ai.output.messages': assistantText('Echo: hello there'),
      'provenance.provider.request_id': 'req_emu_1',
    };
    expect(span.attributes).toEqual(content ? expected : withoutContent(expected));
  });

  it('records a streamed chat completion with its usage chunk', async () => {
    configure();
    const reply = await post(
      `${emu.url}/v1/chat/completions`,
      JSON.stringify({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'a b c' }] }),
      auth,
    );
    expect(reply.text.endsWith('data: [DONE]\n\n')).toBe(true);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base('chat'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('a b c'),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      ...chatUsage(3, 4),
      'gen_ai.output.messages': assistantText('Echo: a b c'),
      'provenance.provider.request_id': 'req_emu_1',
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
  });

  it('records a completion and an embedding', async () => {
    configure();
    await post(`${emu.url}/v1/completions`, JSON.stringify({ model: MODEL, prompt: 'say this', max_tokens: 5 }), auth);
    await post(`${emu.url}/v1/embeddings`, JSON.stringify({ model: 'BAAI/bge-m3', input: ['one two', 'three'], dimensions: 4 }), auth);
    const [completion, embedding] = await waitForSpans(tracing, 2);
    expect(completion.attributes).toEqual({
      ...base('text_completion'),
      'gen_ai.request.max_tokens': 5,
      'gen_ai.input.messages': userText('say this'),
      'gen_ai.response.id': expect.stringMatching(/^cmpl-emu-1/),
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.usage.output_tokens': expect.any(Number),
      'gen_ai.output.messages': expect.stringContaining('"role":"assistant"'),
      'provenance.provider.request_id': 'req_emu_1',
    });
    expect(embedding.attributes).toEqual({
      ...base('embeddings', 'BAAI/bge-m3'),
      'gen_ai.embeddings.dimension.count': 4,
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'one two' }] },
        { role: 'user', parts: [{ type: 'text', content: 'three' }] },
      ]),
      'gen_ai.response.model': 'BAAI/bge-m3',
      'gen_ai.usage.input_tokens': 3,
      'provenance.provider.request_id': 'req_emu_2',
    });
  });

  it('records rerank, score and pooling calls (recognised without configuration where the route is vLLM only)', async () => {
    configure();
    await post(
      `${emu.url}/v1/rerank`,
      JSON.stringify({ model: 'BAAI/bge-reranker-v2-m3', query: 'red fox', documents: ['a red fox', 'blue sky'], top_n: 1 }),
      auth,
    );
    tracing.instrumentation.setConfig({});
    await post(`${emu.url}/score`, JSON.stringify({ model: 'BAAI/bge-reranker-v2-m3', text_1: 'red fox', text_2: ['a red fox', 'fox'] }), auth);
    await post(`${emu.url}/pooling`, JSON.stringify({ model: 'intfloat/e5-small', input: 'pool me' }), auth);
    const [rerank, score, pooling] = await waitForSpans(tracing, 3);
    expect(rerank.attributes).toEqual({
      ...base('rerank', 'BAAI/bge-reranker-v2-m3'),
      'gen_ai.request.top_k': 1,
      'gen_ai.input.messages': userText('red fox', 'a red fox', 'blue sky'),
      'gen_ai.response.id': 'rerank-emu-1',
      'gen_ai.response.model': 'BAAI/bge-reranker-v2-m3',
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.output.messages': assistantParts([{ type: 'score', index: 0, score: 1 }]),
      'provenance.provider.request_id': 'vllm-req-1',
    });
    expect(score.attributes).toEqual({
      ...base('rerank', 'BAAI/bge-reranker-v2-m3'),
      'gen_ai.input.messages': userText('red fox', 'a red fox', 'fox'),
      'gen_ai.response.id': 'score-emu-2',
      'gen_ai.response.model': 'BAAI/bge-reranker-v2-m3',
      'gen_ai.usage.input_tokens': 8,
      'gen_ai.output.messages': assistantParts([
        { type: 'score', index: 0, score: 1 },
        { type: 'score', index: 1, score: 0.5 },
      ]),
      'provenance.provider.request_id': 'vllm-req-2',
    });
    expect(pooling.attributes).toEqual({
      ...base('embeddings', 'intfloat/e5-small'),
      'gen_ai.input.messages': userText('pool me'),
      'gen_ai.response.id': 'pool-emu-3',
      'gen_ai.response.model': 'intfloat/e5-small',
      'gen_ai.usage.input_tokens': 2,
      'provenance.provider.request_id': 'vllm-req-3',
    });
  });

  it('records a server error with the planted keys removed from every text', async () => {
    configure();
    const QUERY_KEY = 'qk-planted-0123456789abcdef';
    const HEADER_KEY = 'hk-planted-0123456789abcdef';
    emu.enqueue({ kind: 'error', status: 429, message: `slow down: key=${QUERY_KEY} x-api-key: ${HEADER_KEY} Bearer ${KEY}` });
    const reply = await post(
      `${emu.url}/v1/chat/completions?api_key=${QUERY_KEY}`,
      JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      {
        ...auth,
        'x-api-key': HEADER_KEY,
      },
    );
    expect(reply.status).toBe(429);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toEqual({
      ...base('chat'),
      'gen_ai.input.messages': userText('hi'),
      'error.type': '429',
      'http.response.status_code': 429,
      'provenance.provider.request_id': 'req_emu_1',
    });
    const texts = JSON.stringify([span.status, span.events, span.attributes]);
    for (const secret of [KEY, QUERY_KEY, HEADER_KEY]) expect(texts).not.toContain(secret);
    expect(span.status.message).toBe('429 slow down: key=[REDACTED] x-api-key: [REDACTED] [REDACTED]');
  });
});
