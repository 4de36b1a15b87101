import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as Undici from 'undici';
import { useEmulator } from '@llm-provenance/test-support';
import { setupTracing, waitForSpans } from './helpers.js';

/**
 * The app gets exactly the bytes the server sent, however it reads them (or does not), while the span
 * is recorded from the same bytes; bodies over the bound are recorded as far as they were seen.
 */
const tracing = setupTracing();
const require = createRequire(import.meta.url);
const undici = require('undici') as typeof Undici;

const MODEL = 'm';
const chunk = (content: string, extra: object = {}) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  model: MODEL,
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
  ...extra,
});
/** A streamed chat completion split at awkward places (mid-event, mid-UTF-8 character, CR LF line ends). */
const SSE_PARTS: Buffer[] = (() => {
  const events = [
    `data: ${JSON.stringify(chunk('Grüße '))}\r\n\r\n`,
    `data: ${JSON.stringify(chunk('aus Köln'))}\n\n`,
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: MODEL, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: MODEL, choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } })}\n\n`,
    'data: [DONE]\n\n',
  ];
  const all = Buffer.from(events.join(''), 'utf8');
  const cuts = [7, all.indexOf('ü') + 1, all.indexOf('\r\n') + 1, all.indexOf('Köln') + 2, all.length - 3];
  const parts: Buffer[] = [];
  let last = 0;
  for (const cut of cuts.sort((a, b) => a - b)) {
    parts.push(all.subarray(last, cut));
    last = cut;
  }
  parts.push(all.subarray(last));
  return parts;
})();
const SSE_BYTES = Buffer.concat(SSE_PARTS);
const JSON_BYTES = Buffer.from(
  JSON.stringify({
    id: 'chat-1',
    object: 'chat.completion',
    model: MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content: 'é'.repeat(50) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 50, total_tokens: 51 },
  }),
);

let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/v1/completions') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON_BYTES);
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const write = (i: number): void => {
        if (i === SSE_PARTS.length) return void res.end();
        res.write(SSE_PARTS[i], () => setImmediate(() => write(i + 1)));
      };
      write(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  tracing.exporter.reset();
  tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url }] });
});

const chatBody = JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] });
const post = (path: string, body = chatBody) => fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(parts);
    parts.push(value);
  }
}

const STREAMED = {
  'gen_ai.response.finish_reasons': ['stop'],
  'gen_ai.usage.input_tokens': 5,
  'gen_ai.usage.output_tokens': 4,
  'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Grüße aus Köln' }], finish_reason: 'stop' }]),
};

describe('the response the app reads is byte for byte what the server sent', () => {
  it.each([
    ['fetch .text()', async () => Buffer.from(await (await post('/v1/chat/completions')).text())],
    ['fetch .arrayBuffer()', async () => Buffer.from(await (await post('/v1/chat/completions')).arrayBuffer())],
    ['fetch body read chunk by chunk', async () => readAll((await post('/v1/chat/completions')).body!)],
    [
      'undici.request body',
      async () => Buffer.from(await (await undici.request(`${url}/v1/chat/completions`, { method: 'POST', body: chatBody })).body.arrayBuffer()),
    ],
    [
      'http.request data events',
      () =>
        new Promise<Buffer>((resolve) => {
          const req = http.request(`${url}/v1/chat/completions`, { method: 'POST' }, (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => resolve(Buffer.concat(parts)));
          });
          req.end(chatBody);
        }),
    ],
    [
      'http.request paused, then read()',
      () =>
        new Promise<Buffer>((resolve) => {
          const req = http.request(`${url}/v1/chat/completions`, { method: 'POST' }, (res) => {
            const parts: Buffer[] = [];
            res.pause();
            res.on('readable', () => {
              let c: Buffer | null;
              while ((c = res.read() as Buffer | null) !== null) parts.push(c);
            });
            res.on('end', () => resolve(Buffer.concat(parts)));
          });
          req.end(chatBody);
        }),
    ],
  ])('a stream read with %s', async (_style, read) => {
    expect((await read()).equals(SSE_BYTES)).toBe(true);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toMatchObject(STREAMED);
  });

  it('a JSON body read with .json() is the parsed bytes the server sent', async () => {
    expect(await (await post('/v1/completions', JSON.stringify({ model: MODEL, prompt: 'x' }))).json()).toEqual(JSON.parse(JSON_BYTES.toString()));
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(50);
  });

  it('a body the app never reads still ends the span once it has arrived', async () => {
    const response = await post('/v1/chat/completions');
    expect(response.status).toBe(200);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toMatchObject(STREAMED);
  });

  it('a body the app cancels ends the span, and the app sees only its own cancel', async () => {
    const response = await post('/v1/chat/completions');
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('chat m');
  });
});

describe('observation is bounded', () => {
  it('a JSON body over the bound is recorded without its content, and says so', async () => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url }], maxBodyBytes: 64 });
    const text = await (await post('/v1/completions', JSON.stringify({ model: MODEL, prompt: 'x' }))).text();
    expect(Buffer.from(text).equals(JSON_BYTES)).toBe(true);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toMatchObject({ 'provenance.http.body_truncated': true, 'provenance.usage.unknown': true });
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
  });

  it('a stream over the bound still gives its usage and finish reason', async () => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url }], maxBodyBytes: 200 });
    expect(Buffer.from(await (await post('/v1/chat/completions')).arrayBuffer()).equals(SSE_BYTES)).toBe(true);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toMatchObject({
      'provenance.http.body_truncated': true,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 4,
    });
  });
});

describe('a stream the server cuts', () => {
  const emu = useEmulator();
  it('ends the span as failed with what arrived, and the app sees its own error', async () => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }] });
    emu.enqueue({ kind: 'stream_error_after', chunks: 2 });
    const response = await fetch(`${emu.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'a b c d' }] }),
    });
    await expect(response.text()).rejects.toThrow(TypeError);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status.code).toBe(2);
    expect(span.attributes).toMatchObject({ 'error.type': expect.any(String), 'gen_ai.output.messages': expect.stringContaining('"finish_reason":"error"') });
  });
});
