import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddingFor, startEmulator, tei, TEI_MODEL_ID, type Emulator } from '@llm-provenance/provider-emulators';

// The real client, as the Hugging Face instrumentation package installs it.
const sdkRequire = createRequire(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../instrumentation-huggingface/package.json'));
const { InferenceClient } = sdkRequire('@huggingface/inference');

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ providers: [tei] });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const post = (p: string, body: unknown) =>
  fetch(`${emu.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const json = async (p: string, body: unknown) => (await post(p, body)).json();

describe('tei emulator', () => {
  it('embeds through featureExtraction at / and at /embed', async () => {
    const client = new InferenceClient('hf_test', { endpointUrl: emu.url });
    expect(await client.featureExtraction({ inputs: ['a b', 'c'] })).toEqual([embeddingFor('a b', 384), embeddingFor('c', 384)]);
    const direct = new InferenceClient('hf_test').endpoint(`${emu.url}/embed`);
    expect(await direct.featureExtraction({ inputs: 'a b', dimensions: 8 })).toEqual([embeddingFor('a b', 8)]);
    expect(emu.requests.map((r) => r.path)).toEqual(['/', '/embed']);
  });

  it('answers /embed_all per token and /embed_sparse per distinct word', async () => {
    const all = await json('/embed_all', { inputs: 'a b' });
    expect(all).toEqual([[embeddingFor('a', 384), embeddingFor('b', 384)]]);
    const sparse = await json('/embed_sparse', { inputs: ['a b a'] });
    expect(sparse).toHaveLength(1);
    expect(sparse[0]).toHaveLength(2);
    for (const entry of sparse[0]) expect(entry).toEqual({ index: expect.any(Number), value: expect.any(Number) });
  });

  it('answers /v1/embeddings as an OpenAI list with the served model and usage', async () => {
    expect(await json('/v1/embeddings', { input: ['a b', 'c'], model: 'x' })).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', embedding: embeddingFor('a b', 384), index: 0 },
        { object: 'embedding', embedding: embeddingFor('c', 384), index: 1 },
      ],
      model: TEI_MODEL_ID,
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });

  it('answers sentenceSimilarity at /similarity and at /', async () => {
    const inputs = { source_sentence: 'a cat', sentences: ['a cat', 'a car'] };
    const scores = await new InferenceClient('hf_test').endpoint(`${emu.url}/similarity`).sentenceSimilarity({ inputs });
    expect(scores).toHaveLength(2);
    expect(scores[0]).toBeCloseTo(1, 5);
    expect(await json('/', { inputs })).toEqual(scores);
  });

  it('ranks /rerank best first and classifies /predict', async () => {
    const ranks = await json('/rerank', { query: 'a', texts: ['b', 'a'], return_text: true });
    expect(ranks.map((r: { index: number; text: string }) => [r.index, r.text])).toEqual([
      [1, 'a'],
      [0, 'b'],
    ]);
    expect(ranks[0].score).toBeGreaterThan(ranks[1].score);
    const one = await json('/predict', { inputs: 'I like it' });
    expect(one.map((p: { label: string }) => p.label).sort()).toEqual(['negative', 'positive']);
    expect(one[0].score).toBeGreaterThanOrEqual(one[1].score);
    const batch = await json('/predict', { inputs: [['a', 'b'], 'c'] });
    expect(batch).toHaveLength(2);
  });

  it('reports /info', async () => {
    expect(await (await fetch(`${emu.url}/info`)).json()).toMatchObject({
      model_id: TEI_MODEL_ID,
      model_type: { embedding: { pooling: 'cls' } },
      max_client_batch_size: 32,
    });
  });

  it('answers errors in TEI shape: empty input, batch too large, scenarios', async () => {
    const empty = await post('/embed', { inputs: [] });
    expect([empty.status, await empty.json()]).toEqual([400, { error: '`inputs` cannot be empty', error_type: 'empty' }]);
    const big = await post('/embed', { inputs: Array.from({ length: 33 }, () => 'x') });
    expect([big.status, await big.json()]).toEqual([413, { error: 'batch size 33 > maximum allowed batch size 32', error_type: 'validation' }]);
    emu.enqueue({ kind: 'error', status: 429 }, { kind: 'error', status: 503 });
    expect(await json('/embed', { inputs: 'x' })).toEqual({ error: 'Model is overloaded', error_type: 'overloaded' });
    expect(await json('/rerank', { query: 'x', texts: ['y'] })).toEqual({ error: 'Model is not healthy', error_type: 'unhealthy' });
  });
});
