import diagnosticsChannel from 'node:diagnostics_channel';
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Undici from 'undici';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { assistantText, userText } from './content.js';
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

/** BODY as a stream of two chunks. */
const bodyStream = () =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(BODY.slice(0, 10)));
      controller.enqueue(new TextEncoder().encode(BODY.slice(10)));
      controller.close();
    },
  });

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
          body: bodyStream(),
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

describe('a Request handed to fetch', () => {
  /** The span of a chat request whose body was read: everything the request and the emulator's answer say. */
  const chatSpan = (content: string) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'vllm',
    'gen_ai.request.model': 'm',
    'gen_ai.input.messages': userText(content),
    'gen_ai.response.id': 'chatcmpl-emu-1',
    'gen_ai.response.model': 'm',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': 2,
    'gen_ai.usage.output_tokens': 3,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'gen_ai.output.messages': assistantText(`Echo: ${content}`),
    'provenance.credential.fingerprint': fingerprintCredential('k'),
    'provenance.provider.request_id': 'req_emu_1',
    'server.address': '127.0.0.1',
    'server.port': Number(new URL(emu.url).port),
  });

  it.each([
    ['the global Request, its body a string', () => fetch(new Request(`${emu.url}/v1/chat/completions`, { method: 'POST', headers, body: BODY }))],
    [
      'the global Request, its body a ReadableStream',
      () =>
        fetch(
          new Request(`${emu.url}/v1/chat/completions`, {
            method: 'POST',
            headers,
            duplex: 'half',
            body: bodyStream(),
          } as RequestInit),
        ),
    ],
    ["the undici package's Request", () => undici.fetch(new undici.Request(`${emu.url}/v1/chat/completions`, { method: 'POST', headers, body: BODY }))],
  ])('reads the body of %s from a clone: the server gets it whole, the span has its content', async (_kind, call) => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }] });
    const response = await call();
    expect(JSON.parse(await response.text()).choices[0].message.content).toBe('Echo: streamed body');
    expect(emu.requests[0]!.body).toEqual(JSON.parse(BODY));
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('chat m');
    expect(span.attributes).toEqual(chatSpan('streamed body'));
  });

  it('reads a Request body that is still arriving when undici creates the request', async () => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }] });
    const encoder = new TextEncoder();
    let rest: (() => void) | undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(BODY.slice(0, 10)));
        rest = () => {
          controller.enqueue(encoder.encode(BODY.slice(10)));
          controller.close();
        };
      },
    });
    // The rest of the body comes once the request exists: its span waits for the copy to be read.
    const created = () => queueMicrotask(() => rest?.());
    diagnosticsChannel.subscribe('undici:request:create', created);
    try {
      const response = await fetch(new Request(`${emu.url}/v1/chat/completions`, { method: 'POST', headers, duplex: 'half', body } as RequestInit));
      expect(JSON.parse(await response.text()).choices[0].message.content).toBe('Echo: streamed body');
    } finally {
      diagnosticsChannel.unsubscribe('undici:request:create', created);
    }
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual(chatSpan('streamed body'));
  });

  it('leaves the request as fetch leaves it: its body used, its clone readable', async () => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }] });
    const request = new Request(`${emu.url}/v1/chat/completions`, { method: 'POST', headers, body: BODY });
    const kept = request.clone();
    await (await fetch(request)).text();
    expect(request.bodyUsed).toBe(true);
    expect(await kept.text()).toBe(BODY);
    await waitForSpans(tracing, 1);
  });

  it('reads no more than the bound: past it, the span says the body was truncated and the server still gets it whole', async () => {
    tracing.instrumentation.setConfig({ servers: [{ profile: 'vllm', url: emu.url }], maxBodyBytes: 32 });
    await (await fetch(new Request(`${emu.url}/v1/chat/completions`, { method: 'POST', headers, body: BODY }))).text();
    expect(emu.requests[0]!.body).toEqual(JSON.parse(BODY));
    const [span] = await waitForSpans(tracing, 1);
    expect([span.name, span.attributes['provenance.http.body_truncated'], span.attributes['gen_ai.input.messages']]).toEqual(['chat', true, undefined]);
  });

  it('does not clone a request to a server it does not trace', async () => {
    tracing.instrumentation.setConfig({ servers: [], recognizeRoutes: false });
    const request = new Request(`${emu.url}/v1/chat/completions`, { method: 'POST', headers, body: BODY });
    let clones = 0;
    const clone = request.clone.bind(request);
    request.clone = () => {
      clones += 1;
      return clone();
    };
    await (await fetch(request)).text();
    expect(clones).toBe(0);
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });
});
