import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Undici from 'undici';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { userText } from './content.js';
import { setupTracing, waitForSpans } from './helpers.js';

/**
 * A request body is read only when the app already holds it in memory; a streamed body reaches the
 * server whole and untouched, and the span then has no request content.
 */
const tracing = setupTracing();
const undici = createRequire(import.meta.url)('undici') as typeof Undici;
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

const BODY = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'streamed body' }] });
const headers = { 'content-type': 'application/json', authorization: 'Bearer k' };

describe('request bodies', () => {
  it.each([
    ['a Buffer', () => Buffer.from(BODY)],
    ['a Uint8Array', () => new TextEncoder().encode(BODY)],
  ])('reads %s given to fetch', async (_kind, body) => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }] });
    await (await fetch(`${emu.url}/v1/chat/completions`, { method: 'POST', headers, body: body() })).text();
    const [span] = await waitForSpans(tracing, 1);
    expect([span.name, span.attributes['gen_ai.input.messages']]).toEqual(['chat m', userText('streamed body')]);
  });

  it.each([
    [
      'a ReadableStream given to fetch',
      () =>
        fetch(`${emu.url}/v1/chat/completions`, {
          method: 'POST',
          headers,
          duplex: 'half',
          body: new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(BODY.slice(0, 10)));
              controller.enqueue(new TextEncoder().encode(BODY.slice(10)));
              controller.close();
            },
          }),
        } as RequestInit).then((r) => r.text()),
    ],
    [
      'a Readable given to undici.request',
      () =>
        undici
          .request(`${emu.url}/v1/chat/completions`, { method: 'POST', headers, body: Readable.from([BODY.slice(0, 7), BODY.slice(7)]) })
          .then((r) => r.body.text()),
    ],
  ])('never reads %s: the server gets it whole, the span has no request content', async (_kind, call) => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }] });
    const text = await call();
    expect(JSON.parse(text).choices[0].message.content).toBe('Echo: streamed body');
    expect(emu.requests[0]!.body).toEqual(JSON.parse(BODY));
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('chat');
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBeDefined();
  });
});
