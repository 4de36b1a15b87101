import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@llm-provenance/provider-emulators';

/**
 * The self-hosted servers' wire formats as the emulator speaks them (src/vllm, src/ovms, src/opea,
 * src/model-server): bodies, streams, error bodies and scenarios, read over plain HTTP as their users do.
 */
const NOW = 1_700_000_000_000;
let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ now: () => NOW });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const post = async (p: string, body: unknown) => {
  const response = await fetch(`${emu.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, text: await response.text() };
};
const json = async (p: string, body: unknown) => {
  const r = await post(p, body);
  return { status: r.status, body: JSON.parse(r.text) as unknown, headers: r.headers };
};

describe('vLLM', () => {
  it('reranks, scores and pools', async () => {
    expect(await json('/v2/rerank', { model: 'rr', query: 'red fox', documents: ['blue sky', { text: 'a red fox' }], top_n: 1 })).toMatchObject({
      status: 200,
      body: { id: 'rerank-emu-1', model: 'rr', usage: { total_tokens: 7 }, results: [{ index: 1, document: { text: 'a red fox' }, relevance_score: 1 }] },
    });
    expect((await json('/v1/score', { model: 's', text_1: ['a b', 'c'], text_2: ['a', 'd'] })).body).toEqual({
      id: 'score-emu-2',
      object: 'list',
      created: NOW / 1000,
      model: 's',
      data: [
        { index: 0, object: 'score', score: 0.5 },
        { index: 1, object: 'score', score: 0 },
      ],
      usage: { prompt_tokens: 5, total_tokens: 5, completion_tokens: 0 },
    });
    const pooled = (await json('/pooling', { model: 'p', input: ['x'] })).body as { data: Array<{ data: number[] }> };
    expect(pooled.data[0]!.data).toHaveLength(8);
  });

  it("answers errors with vLLM's ErrorResponse, 429 with retry-after", async () => {
    expect(await json('/rerank', { query: 1 })).toMatchObject({
      status: 400,
      body: { object: 'error', message: 'query must be a string', type: 'BadRequestError', param: null, code: 400 },
    });
    emu.enqueue({ kind: 'error', status: 429, message: 'busy', retryAfter: 2 });
    const limited = await json('/score', { text_1: 'a', text_2: 'b' });
    expect([limited.status, limited.headers.get('retry-after'), limited.body]).toEqual([
      429,
      '2',
      { object: 'error', message: 'busy', type: 'BadRequestError', param: null, code: 429 },
    ]);
  });
});

describe('OpenVINO Model Server', () => {
  it('predicts (row and columnar), infers (KServe v2) and answers /v3 in the OpenAI format', async () => {
    expect((await json('/v1/models/m/versions/1:predict', { instances: [{ a: 1 }] })).body).toEqual({ predictions: [{ a: 2 }] });
    expect((await json('/v1/models/m:predict', { inputs: { a: [1, 2] } })).body).toEqual({ outputs: { a: [2, 4] } });
    expect((await json('/v2/models/m/versions/4/infer', { id: 'x', inputs: [{ name: 'in', shape: [2], datatype: 'INT32', data: [1, 2] }] })).body).toEqual({
      model_name: 'm',
      model_version: '4',
      id: 'x',
      outputs: [{ name: 'output0', shape: [2], datatype: 'INT32', data: [2, 4] }],
    });
    const chat = (await json('/v3/v1/chat/completions', { model: 'q', messages: [{ role: 'user', content: 'hi' }] })).body as { system_fingerprint: string };
    expect(chat.system_fingerprint).toBe('ovms_emu');
    expect((await json('/v3/rerank', { query: 'a', documents: ['b', 'a'] })).body).toEqual({
      results: [
        { index: 1, relevance_score: 1 },
        { index: 0, relevance_score: 0 },
      ],
    });
  });

  it('answers errors as {"error": message} on every API, 404 for an unknown route', async () => {
    expect(await json('/v2/models/m/infer', {})).toMatchObject({ status: 400, body: { error: 'Invalid message structure - missing inputs field' } });
    expect(await json('/v1/models/m:predict', {})).toMatchObject({ status: 400, body: { error: 'Missing instances in JSON request' } });
    expect(await json('/v3/nothing', {})).toMatchObject({ status: 404, body: { error: 'Invalid URL (POST /v3/nothing)' } });
    emu.enqueue({ kind: 'error', status: 503 });
    expect(await json('/v3/chat/completions', { model: 'q', messages: [] })).toMatchObject({ status: 503, body: { error: 'Internal server error' } });
  });
});

describe('OPEA gateways', () => {
  it('streams bytes-literal tokens then [DONE] by default, and answers a chat completion with stream: false', async () => {
    const streamed = await post('/v1/translation', { messages: "it's" });
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(streamed.text).toBe("data: b'translation:'\n\ndata: b' it\\'s'\n\ndata: [DONE]\n\n");
    expect((await json('/v1/faqgen', { messages: [{ role: 'user', content: 'q' }], stream: false })).body).toEqual({
      id: 'chatcmpl-opea-2',
      object: 'chat.completion',
      created: NOW / 1000,
      model: 'faqgen',
      choices: [{ index: 0, message: { role: 'assistant', content: 'faqgen: q' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, total_tokens: 3, completion_tokens: 2 },
    });
  });

  it('answers a bad request with FastAPI\'s {"detail"} and cuts a stream on request', async () => {
    expect(await json('/v1/chatqna', {})).toMatchObject({ status: 422, body: { detail: 'messages: field required' } });
    emu.enqueue({ kind: 'stream_error_after', chunks: 1 });
    await expect(fetch(`${emu.url}/v1/chatqna`, { method: 'POST', body: JSON.stringify({ messages: 'a b c' }) }).then((r) => r.text())).rejects.toThrow(
      TypeError,
    );
  });
});

describe('REST model server', () => {
  it('lists, describes, infers and batch-infers', async () => {
    expect(await (await fetch(`${emu.url}/models`)).json()).toEqual({ models: [{ id: 'echo-1' }, { id: 'echo-2' }] });
    expect(await (await fetch(`${emu.url}/models/echo-2`)).json()).toEqual({ id: 'echo-2', status: 'ready' });
    expect((await json('/models/echo-1/infer', { input: 'a b' })).body).toEqual({
      id: 'inf-3',
      model: 'echo-1',
      output: 'Echo: a b',
      usage: { input_tokens: 2, output_tokens: 3 },
    });
    expect((await json('/models/echo-1/batch_infer', { inputs: ['a', 7] })).body).toEqual({
      id: 'inf-4',
      model: 'echo-1',
      outputs: ['Echo: a', 7],
      usage: { input_tokens: 2, output_tokens: 3 },
    });
  });

  it('answers errors as {"error": {code, message}}', async () => {
    expect(await json('/models/nope/infer', { input: 'x' })).toMatchObject({ status: 404, body: { error: { code: 404, message: 'model nope not found' } } });
    expect(await json('/models/echo-1/batch_infer', { inputs: 'x' })).toMatchObject({
      status: 422,
      body: { error: { code: 422, message: 'inputs must be a list' } },
    });
  });
});
