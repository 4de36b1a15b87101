import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddingFor, startEmulator, type Emulator } from '@llm-provenance/provider-emulators';

// The real SDKs, as the Gemini instrumentation package installs them (@google/genai 2.x, legacy 0.24).
const sdkRequire = createRequire(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../instrumentation-google-genai/package.json'));
const { GoogleGenAI } = sdkRequire('@google/genai');
const { GoogleGenerativeAI } = sdkRequire('@google/generative-ai');

let emu: Emulator;
let ai: any;

beforeAll(async () => {
  emu = await startEmulator({ now: () => 1_700_000_000_000 });
  ai = new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: emu.url } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const MODEL = 'gemini-2.5-flash';
const post = (p: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': 'k' }) =>
  fetch(`${emu.url}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('gemini emulator: generateContent', () => {
  it('answers a GenerateContentResponse echoing the last user turn, with usageMetadata', async () => {
    const response = await ai.models.generateContent({ model: MODEL, contents: 'hello there', config: { systemInstruction: 'Be terse.' } });
    expect(response.candidates).toEqual([{ content: { parts: [{ text: 'Echo: hello there' }], role: 'model' }, finishReason: 'STOP', index: 0 }]);
    expect(response.usageMetadata).toEqual({
      promptTokenCount: 4,
      candidatesTokenCount: 3,
      totalTokenCount: 7,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4 }],
    });
    expect(response.modelVersion).toBe(MODEL);
    expect(response.responseId).toBe('gemini-emu-1');
    expect(emu.requests[0]).toMatchObject({ method: 'POST', path: `/v1beta/models/${MODEL}:generateContent` });
    expect(emu.requests[0].headers['x-goog-api-key']).toBe('gemini-test-key');
  });

  it('truncates at maxOutputTokens with finishReason MAX_TOKENS, and answers candidateCount candidates', async () => {
    const truncated = await ai.models.generateContent({ model: MODEL, contents: 'a b c d', config: { maxOutputTokens: 2 } });
    expect(truncated.text).toBe('Echo: a');
    expect(truncated.candidates[0].finishReason).toBe('MAX_TOKENS');
    const two = await ai.models.generateContent({ model: MODEL, contents: 'x', config: { candidateCount: 2 } });
    expect(two.candidates.map((c: any) => c.index)).toEqual([0, 1]);
    expect(two.usageMetadata.candidatesTokenCount).toBe(4);
  });

  it('answers JSON that satisfies responseJsonSchema when responseMimeType is application/json', async () => {
    const response = await ai.models.generateContent({
      model: MODEL,
      contents: 'give json',
      config: {
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { answer: { type: 'string' }, n: { type: 'integer' } } },
      },
    });
    expect(JSON.parse(response.text)).toEqual({ answer: 'Echo: give json', n: 1 });
  });

  it('plays the tool_call, reasoning, cache and no_usage scenarios', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const call = await ai.models.generateContent({ model: MODEL, contents: 'weather?' });
    expect(call.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'Paris' } }]);
    expect(call.candidates[0].finishReason).toBe('STOP');
    emu.enqueue({ kind: 'reasoning', tokens: 5 });
    const thought = await ai.models.generateContent({ model: MODEL, contents: 'think' });
    expect(thought.usageMetadata).toEqual({
      promptTokenCount: 1,
      candidatesTokenCount: 2,
      totalTokenCount: 8,
      thoughtsTokenCount: 5,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1 }],
    });
    emu.enqueue({ kind: 'cache', read: 10 });
    const cached = await ai.models.generateContent({ model: MODEL, contents: 'cached' });
    expect(cached.usageMetadata).toEqual({
      promptTokenCount: 11,
      candidatesTokenCount: 2,
      totalTokenCount: 13,
      cachedContentTokenCount: 10,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 11 }],
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 10 }],
    });
    emu.enqueue({ kind: 'no_usage' });
    expect((await ai.models.generateContent({ model: MODEL, contents: 'x' })).usageMetadata).toBeUndefined();
  });
});

describe('gemini emulator: streamGenerateContent', () => {
  it('streams SSE data lines, one word per chunk, the last with finishReason and full usage', async () => {
    const res = await post(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, { contents: [{ role: 'user', parts: [{ text: 'hi you' }] }] });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const chunk = (text: string, usage: object, finish?: string) =>
      `data: ${JSON.stringify({
        candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
        usageMetadata: usage,
        modelVersion: MODEL,
        responseId: 'gemini-emu-1',
      })}\n\n`;
    expect(await res.text()).toBe(
      chunk('Echo:', { promptTokenCount: 2, candidatesTokenCount: 1, totalTokenCount: 3 }) +
        chunk(' hi', { promptTokenCount: 2, candidatesTokenCount: 2, totalTokenCount: 4 }) +
        chunk(' you', { promptTokenCount: 2, candidatesTokenCount: 3, totalTokenCount: 5, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 2 }] }, 'STOP'),
    );
  });

  it('is read chunk by chunk by the real SDK, and the legacy SDK', async () => {
    const texts: string[] = [];
    for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'one two' })) texts.push(c.text);
    expect(texts).toEqual(['Echo:', ' one', ' two']);
    const legacy = new GoogleGenerativeAI('k').getGenerativeModel({ model: MODEL }, { baseUrl: emu.url });
    const result = await legacy.generateContentStream('three');
    const legacyTexts: string[] = [];
    for await (const c of result.stream) legacyTexts.push(c.text());
    expect(legacyTexts).toEqual(['Echo:', ' three']);
    expect((await result.response).text()).toBe('Echo: three');
  });

  it('cuts the connection after N events under stream_error_after', async () => {
    emu.enqueue({ kind: 'stream_error_after', chunks: 1 });
    const texts: string[] = [];
    const err = await (async () => {
      for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'a b c' })) texts.push(c.text);
    })().catch((e: unknown) => e);
    expect(texts).toEqual(['Echo:']);
    expect(err).toBeInstanceOf(Error);
  });

  it('answers one JSON array without alt=sse', async () => {
    const res = await post(`/v1beta/models/${MODEL}:streamGenerateContent`, { contents: [{ parts: [{ text: 'x' }] }] });
    const body = await res.json();
    expect(body.map((c: any) => c.candidates[0].content.parts[0].text)).toEqual(['Echo:', ' x']);
  });
});

describe('gemini emulator: embeddings, countTokens, Vertex AI', () => {
  it('embeds through batchEmbedContents (SDK) and embedContent (legacy SDK) with deterministic vectors', async () => {
    const batch = await ai.models.embedContent({ model: 'text-embedding-004', contents: ['a b', 'c'], config: { outputDimensionality: 4 } });
    expect(batch.embeddings).toEqual([{ values: embeddingFor('a b', 4) }, { values: embeddingFor('c', 4) }]);
    expect(emu.requests[0].path).toBe('/v1beta/models/text-embedding-004:batchEmbedContents');
    const legacy = new GoogleGenerativeAI('k').getGenerativeModel({ model: 'text-embedding-004' }, { baseUrl: emu.url });
    const single = await legacy.embedContent('hello');
    expect(single.embedding.values).toEqual(embeddingFor('hello', 768));
    expect(emu.requests[1].path).toBe('/v1beta/models/text-embedding-004:embedContent');
  });

  it('counts tokens with the word rule', async () => {
    const counted = await ai.models.countTokens({ model: MODEL, contents: 'one two three' });
    expect(counted.totalTokens).toBe(3);
  });

  it('serves Vertex AI paths (generateContent and :predict embeddings)', async () => {
    const vertex = new GoogleGenAI({ vertexai: true, apiKey: 'k', httpOptions: { baseUrl: emu.url } });
    const response = await vertex.models.generateContent({ model: MODEL, contents: 'vertex' });
    expect(response.text).toBe('Echo: vertex');
    expect(emu.requests[0].path).toBe(`/v1beta1/publishers/google/models/${MODEL}:generateContent`);
    const res = await post(
      '/v1/projects/p/locations/us-central1/publishers/google/models/text-embedding-005:predict',
      { instances: [{ content: 'a b c' }], parameters: { outputDimensionality: 2 } },
      { authorization: 'Bearer t' },
    );
    expect(await res.json()).toEqual({
      predictions: [{ embeddings: { values: embeddingFor('a b c', 2), statistics: { token_count: 3, truncated: false } } }],
      metadata: { billableCharacterCount: 5 },
    });
  });
});

describe('gemini emulator: errors', () => {
  it('renders error scenarios in Google error shape, with RetryInfo and retry-after on 429', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 30 });
    const res = await post(`/v1beta/models/${MODEL}:generateContent`, { contents: [{ parts: [{ text: 'x' }] }] });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await res.json()).toEqual({
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' }],
      },
    });
    emu.enqueue({ kind: 'error', status: 500, message: 'boom' });
    const err = await ai.models.generateContent({ model: MODEL, contents: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ApiError', status: 500 });
  });

  it('rejects a request without an API key (403), an unknown route (404), bad JSON and empty contents (400)', async () => {
    const noKey = await post(`/v1beta/models/${MODEL}:generateContent`, { contents: [] }, {});
    expect(noKey.status).toBe(403);
    expect((await noKey.json()).error.status).toBe('PERMISSION_DENIED');
    const unknown = await post(`/v1beta/models/${MODEL}:explode`, {});
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    const badJson = await post(`/v1beta/models/${MODEL}:generateContent`, '{nope');
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const empty = await post(`/v1beta/models/${MODEL}:generateContent`, { contents: [] });
    expect(await empty.json()).toEqual({
      error: { code: 400, message: '* GenerateContentRequest.contents: contents is not specified\n', status: 'INVALID_ARGUMENT' },
    });
  });
});
