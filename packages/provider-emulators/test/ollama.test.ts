import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddingFor, startEmulator, type Emulator } from '@llm-provenance/provider-emulators';

// The real client, as the Ollama instrumentation package installs it.
const sdkRequire = createRequire(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../instrumentation-ollama/package.json'));
const { Ollama } = sdkRequire('ollama');

const NOW = 1_700_000_000_000;
const CREATED = new Date(NOW).toISOString();
let emu: Emulator;
let client: any;

beforeAll(async () => {
  emu = await startEmulator({ now: () => NOW });
  client = new Ollama({ host: emu.url });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const MODEL = 'llama3.2';
const post = (p: string, body: unknown) =>
  fetch(`${emu.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
/** load 1 ms + 1 ms per prompt token + 2 ms per generated token, in ns. */
const metrics = (prompt: number, out: number) => ({
  total_duration: 1_000_000 + prompt * 1_000_000 + out * 2_000_000,
  load_duration: 1_000_000,
  prompt_eval_count: prompt,
  prompt_eval_duration: prompt * 1_000_000,
  eval_count: out,
  eval_duration: out * 2_000_000,
});

describe('ollama emulator: /api/chat', () => {
  it('answers a complete chat response with counts and durations', async () => {
    const response = await client.chat({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello there' },
      ],
    });
    expect(response).toEqual({
      model: MODEL,
      created_at: CREATED,
      message: { role: 'assistant', content: 'Echo: hello there' },
      done: true,
      done_reason: 'stop',
      ...metrics(4, 3),
    });
    expect(emu.requests[0]).toMatchObject({ method: 'POST', path: '/api/chat', body: { model: MODEL, stream: false } });
  });

  it('streams NDJSON by default (stream absent), one word per line, then the done line', async () => {
    const res = await post('/api/chat', { model: MODEL, messages: [{ role: 'user', content: 'a b' }] });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const line = (value: object) => `${JSON.stringify(value)}\n`;
    const head = { model: MODEL, created_at: CREATED };
    expect(await res.text()).toBe(
      line({ ...head, message: { role: 'assistant', content: 'Echo:' }, done: false }) +
        line({ ...head, message: { role: 'assistant', content: ' a' }, done: false }) +
        line({ ...head, message: { role: 'assistant', content: ' b' }, done: false }) +
        line({ ...head, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', ...metrics(2, 3) }),
    );
  });

  it('truncates at options.num_predict with done_reason length', async () => {
    const response = await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'a b c' }], options: { num_predict: 2 } });
    expect(response.message.content).toBe('Echo: a');
    expect(response.done_reason).toBe('length');
    expect(response.eval_count).toBe(2);
  });

  it('plays tool_call, reasoning and no_usage scenarios', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const call = await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'weather?' }] });
    expect(call.message).toEqual({ role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] });
    emu.enqueue({ kind: 'reasoning', tokens: 3 });
    const thought = await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'think' }], think: true });
    expect(thought.message).toEqual({ role: 'assistant', content: 'Echo: think', thinking: 'hmm hmm hmm' });
    expect(thought.eval_count).toBe(5);
    emu.enqueue({ kind: 'no_usage' });
    const bare = await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    expect(bare).toEqual({ model: MODEL, created_at: CREATED, message: { role: 'assistant', content: 'Echo: x' }, done: true, done_reason: 'stop' });
  });

  it('is read by the real client as an AbortableAsyncIterator, and cut under stream_error_after', async () => {
    const pieces: string[] = [];
    for await (const part of await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'one' }], stream: true })) pieces.push(part.message.content);
    expect(pieces).toEqual(['Echo:', ' one', '']);
    emu.enqueue({ kind: 'stream_error_after', chunks: 1 });
    const cut: string[] = [];
    const err = await (async () => {
      for await (const part of await client.chat({ model: MODEL, messages: [{ role: 'user', content: 'a b' }], stream: true })) cut.push(part.message.content);
    })().catch((e: unknown) => e);
    expect(cut).toEqual(['Echo:']);
    expect(err).toBeInstanceOf(Error);
  });
});

describe('ollama emulator: /api/generate, /api/embed, /api/embeddings, /api/version', () => {
  it('answers generate with response, context and metrics; streamed ends with a done line', async () => {
    const result = await client.generate({ model: MODEL, prompt: 'write', system: 'be short' });
    expect(result).toEqual({
      model: MODEL,
      created_at: CREATED,
      response: 'Echo: write',
      done: true,
      done_reason: 'stop',
      ...metrics(3, 2),
      context: [1, 3, 2],
    });
    const parts: any[] = [];
    for await (const part of await client.generate({ model: MODEL, prompt: 'go', stream: true })) parts.push(part);
    expect(parts.map((p) => p.response)).toEqual(['Echo:', ' go', '']);
    expect(parts.at(-1)).toEqual({ model: MODEL, created_at: CREATED, response: '', done: true, done_reason: 'stop', ...metrics(1, 2), context: [2, 1, 2] });
  });

  it('embeds with /api/embed (batch, dimensions) and the legacy /api/embeddings', async () => {
    expect(await client.embed({ model: 'nomic-embed-text', input: ['a b', 'c'], dimensions: 3 })).toEqual({
      model: 'nomic-embed-text',
      embeddings: [embeddingFor('a b', 3), embeddingFor('c', 3)],
      total_duration: 4_000_000,
      load_duration: 1_000_000,
      prompt_eval_count: 3,
    });
    expect(await client.embeddings({ model: 'nomic-embed-text', prompt: 'hi' })).toEqual({ embedding: embeddingFor('hi', 768) });
  });

  it('reports its version', async () => {
    expect(await client.version()).toEqual({ version: '0.12.0' });
  });
});

describe('ollama emulator: errors', () => {
  it('renders errors as {"error": message} with the status; the client throws ResponseError', async () => {
    emu.enqueue({ kind: 'error', status: 404, message: 'model "nope" not found, try pulling it first' });
    const err = await client.chat({ model: 'nope', messages: [] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 404, error: 'model "nope" not found, try pulling it first' });
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 4 });
    const limited = await post('/api/chat', { model: MODEL, messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');
    expect(await limited.json()).toEqual({ error: 'too many requests' });
  });

  it('answers 404 for unknown /api routes, 400 for bad JSON and a missing model', async () => {
    const unknown = await post('/api/explode', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'Invalid URL (POST /api/explode)' });
    const badJson = await post('/api/chat', '{nope');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: 'invalid JSON body' });
    const noModel = await post('/api/generate', { prompt: 'x' });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toEqual({ error: 'model is required' });
  });
});
