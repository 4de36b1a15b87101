import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { tei, TEI_MODEL_ID } from '@llm-provenance/provider-emulators';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { CLIENTS } from './clients.js';
import { assistantParts, userParts, userText, withoutContent } from './content.js';
import { setupTracing, waitForSpans } from './helpers.js';

/**
 * Hugging Face Text Embeddings Inference (https://huggingface.github.io/text-embeddings-inference/)
 * reached without an SDK: `/embed`, `/embed_all` and `/embed_sparse` are recognised on any host;
 * `/v1/embeddings`, `/rerank` and `/predict` are traced on a host configured as `hf.tei`. TEI's bodies
 * carry no usage: the prompt tokens come from its `x-compute-tokens` header.
 */
const tracing = setupTracing();
const emu = useEmulator({ providers: [tei] });
resetBeforeEach(emu, tracing.exporter);
const KEY = 'hf_tei_planted_0123456789';
const auth = { authorization: `Bearer ${KEY}` };

const base = (operation: string, model?: string) => ({
  'gen_ai.operation.name': operation,
  'gen_ai.provider.name': 'hf.tei',
  ...(model ? { 'gen_ai.request.model': model } : {}),
  'server.address': '127.0.0.1',
  'server.port': emu.port,
  'provenance.credential.fingerprint': fingerprintCredential(KEY),
});
/** One user message per input text, as an embeddings span records a batch. */
const inputs = (...texts: string[]) => JSON.stringify(texts.map((content) => ({ role: 'user', parts: [{ type: 'text', content }] })));

function configure(options: { captureMessageContent?: boolean; model?: string } = {}): void {
  tracing.instrumentation.setConfig({
    servers: [{ profile: 'hf.tei', url: emu.url, model: options.model }],
    captureMessageContent: options.captureMessageContent ?? true,
  });
}

describe.each(Object.entries(CLIENTS))('TEI through %s', (_client, post) => {
  it.each([true, false])('records /embed of a batch on any host, with the vector length and the header token count (content %s)', async (content) => {
    tracing.instrumentation.setConfig({ captureMessageContent: content });
    const reply = await post(`${emu.url}/embed`, JSON.stringify({ inputs: ['first text', 'second'], normalize: true }), auth);
    expect(reply.status).toBe(200);
    const vectors = JSON.parse(reply.text) as number[][];
    expect(vectors.map((v) => v.length)).toEqual([384, 384]);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('embeddings');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const expected = {
      ...base('embeddings'),
      'gen_ai.input.messages': inputs('first text', 'second'),
      'gen_ai.embeddings.dimension.count': 384,
      'gen_ai.usage.input_tokens': 3,
    };
    expect(span.attributes).toEqual(content ? expected : withoutContent(expected));
  });

  it('records /embed_all (a vector per token) and /embed_sparse (no vector length), and the requested dimensions', async () => {
    tracing.instrumentation.setConfig({});
    const all = await post(`${emu.url}/embed_all`, JSON.stringify({ inputs: 'a b' }), auth);
    expect((JSON.parse(all.text) as number[][][])[0]!.length).toBe(2);
    const sparse = await post(`${emu.url}/embed_sparse`, JSON.stringify({ inputs: ['x y z'] }), auth);
    expect((JSON.parse(sparse.text) as Array<Array<{ index: number; value: number }>>)[0]![0]).toEqual({
      index: expect.any(Number),
      value: expect.any(Number),
    });
    await post(`${emu.url}/embed`, JSON.stringify({ inputs: 'short', dimensions: 64 }), auth);
    const [allSpan, sparseSpan, truncated] = await waitForSpans(tracing, 3);
    expect(allSpan.attributes).toEqual({
      ...base('embeddings'),
      'gen_ai.input.messages': inputs('a b'),
      'gen_ai.embeddings.dimension.count': 384,
      'gen_ai.usage.input_tokens': 2,
    });
    expect(sparseSpan.attributes).toEqual({ ...base('embeddings'), 'gen_ai.input.messages': inputs('x y z'), 'gen_ai.usage.input_tokens': 3 });
    expect(truncated.attributes).toEqual({
      ...base('embeddings'),
      'gen_ai.input.messages': inputs('short'),
      'gen_ai.embeddings.dimension.count': 64,
      'gen_ai.usage.input_tokens': 1,
    });
  });

  it('records the OpenAI-style /v1/embeddings on a configured host', async () => {
    configure();
    await post(`${emu.url}/v1/embeddings`, JSON.stringify({ model: 'bge', input: ['one two', 'three'] }), auth);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('embeddings bge');
    expect(span.attributes).toEqual({
      ...base('embeddings', 'bge'),
      'gen_ai.input.messages': inputs('one two', 'three'),
      'gen_ai.embeddings.dimension.count': 384,
      'gen_ai.response.model': TEI_MODEL_ID,
      'gen_ai.usage.input_tokens': 3,
    });
  });

  it.each([true, false])('records /rerank: the query and texts in, the scores out (content %s)', async (content) => {
    configure({ captureMessageContent: content, model: 'BAAI/bge-reranker-base' });
    const reply = await post(`${emu.url}/rerank`, JSON.stringify({ query: 'red fox', texts: ['a red fox', 'blue sky'], return_text: true }), auth);
    const ranks = JSON.parse(reply.text) as Array<{ index: number; score: number; text: string }>;
    expect(ranks.map((r) => r.text).sort()).toEqual(['a red fox', 'blue sky']);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('rerank BAAI/bge-reranker-base');
    const expected = {
      ...base('rerank', 'BAAI/bge-reranker-base'),
      'gen_ai.input.messages': userText('red fox', 'a red fox', 'blue sky'),
      'gen_ai.output.messages': assistantParts(ranks.map((r) => ({ type: 'score', index: r.index, score: r.score }))),
      'gen_ai.usage.input_tokens': 7,
    };
    expect(span.attributes).toEqual(content ? expected : withoutContent(expected));
  });

  it('records /predict of one text and of a batch of pairs', async () => {
    configure();
    const one = JSON.parse((await post(`${emu.url}/predict`, JSON.stringify({ inputs: 'I like it' }), auth)).text) as unknown;
    const pairs = [
      ['is it good', 'it is'],
      ['is it bad', 'no'],
    ];
    const batch = JSON.parse((await post(`${emu.url}/predict`, JSON.stringify({ inputs: pairs }), auth)).text) as unknown;
    expect(one).toEqual([
      { score: expect.any(Number), label: expect.stringMatching(/^(positive|negative)$/) },
      { score: expect.any(Number), label: expect.stringMatching(/^(positive|negative)$/) },
    ]);
    const [oneSpan, batchSpan] = await waitForSpans(tracing, 2);
    expect(oneSpan.name).toBe('predict');
    expect(oneSpan.attributes).toEqual({
      ...base('predict'),
      'gen_ai.input.messages': userParts([{ type: 'data', content: 'I like it' }]),
      'gen_ai.output.messages': assistantParts([{ type: 'data', content: one }]),
      'gen_ai.usage.input_tokens': 3,
    });
    expect(batchSpan.attributes).toEqual({
      ...base('predict'),
      'gen_ai.input.messages': userParts([{ type: 'data', content: pairs }]),
      'gen_ai.output.messages': assistantParts([{ type: 'data', content: batch }]),
      'gen_ai.usage.input_tokens': 9,
    });
  });

  it.each([
    [429, 'overloaded', 'Model is overloaded'],
    [503, 'unhealthy', 'Model is not healthy'],
    [424, 'backend', 'Backend error'],
  ])('records a %i TEI error body with its message', async (status, errorType, message) => {
    tracing.instrumentation.setConfig({});
    emu.enqueue({ kind: 'error', status });
    const reply = await post(`${emu.url}/embed`, JSON.stringify({ inputs: 'x' }), auth);
    expect([reply.status, JSON.parse(reply.text)]).toEqual([status, { error: message, error_type: errorType }]);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: `${status} ${message}` });
    expect(span.attributes).toEqual({
      ...base('embeddings'),
      'gen_ai.input.messages': inputs('x'),
      'error.type': String(status),
      'http.response.status_code': status,
    });
  });

  it('records the validation errors TEI gives itself (413 batch too large, 400 empty input)', async () => {
    configure({ captureMessageContent: false });
    const big = Array.from({ length: 33 }, (_, i) => `t${i}`);
    const tooMany = await post(`${emu.url}/embed`, JSON.stringify({ inputs: big }), auth);
    const empty = await post(`${emu.url}/rerank`, JSON.stringify({ query: 'q', texts: [] }), auth);
    expect([tooMany.status, empty.status]).toEqual([413, 400]);
    const [first, second] = await waitForSpans(tracing, 2);
    expect(first.status.message).toBe('413 batch size 33 > maximum allowed batch size 32');
    expect(first.attributes).toEqual({ ...base('embeddings'), 'error.type': '413', 'http.response.status_code': 413 });
    expect(second.status.message).toBe('400 `texts` cannot be empty');
    expect(second.attributes).toEqual({ ...base('rerank'), 'error.type': '400', 'http.response.status_code': 400 });
  });
});

describe('TEI routes a host shares with other servers', () => {
  it('leaves /rerank and /predict alone on a host nobody configured as TEI', async () => {
    tracing.instrumentation.setConfig({});
    await fetch(`${emu.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: 'no span' }) }).then(
      (r) => r.text(),
    );
    await fetch(`${emu.url}/embed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: 'span' }) }).then((r) =>
      r.text(),
    );
    const spans = await waitForSpans(tracing, 1);
    expect(spans.map((s) => [s.name, s.attributes['gen_ai.input.messages']])).toEqual([['embeddings', inputs('span')]]);
  });
});
