import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { loadSdk, useEmulator } from '@llm-provenance/test-support';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { MAJORS, finishedSpans, loadOpenAI, setupTracing } from './helpers.js';

/**
 * Streamed Chat Completions / Completions report usage only when asked (`stream_options.include_usage`).
 * The instrumentation asks on the app's behalf and hides what that adds, so the app reads exactly the
 * chunks it reads uninstrumented, and the span still gets tokens and cost.
 */
const { exporter, instrumentation } = setupTracing();
const FP = fingerprintCredential('sk-test');
const text = (content: string) => ({ type: 'text', content });

/** Every chunk the app's for-await loop sees, as the JSON text it would log or forward. */
async function chunkTexts(stream: AsyncIterable<unknown>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of stream) out.push(JSON.stringify(chunk));
  return out;
}

/** The bytes `stream.toReadableStream()` gives (the SDK writes one JSON line per chunk). */
async function readableBytes(stream: { toReadableStream(): ReadableStream<Uint8Array> }): Promise<string> {
  const reader = stream.toReadableStream().getReader();
  let out = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    out += new TextDecoder().decode(value);
  }
}

describe.each(MAJORS)('stream usage, openai $label', ({ from, available }) => {
  // A fixed clock: `created` is the same in every run, so chunks can be compared byte for byte.
  const emu = useEmulator({ now: () => 1_700_000_000_000 });
  let client: any;

  beforeAll(() => {
    if (!available) return;
    const OpenAI = loadOpenAI(from);
    client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  beforeEach(() => {
    emu.reset();
    exporter.reset();
    instrumentation.setConfig({});
    instrumentation.enable();
  });

  /** `read` once uninstrumented and once instrumented, each as request number 1 of a fresh emulator. */
  async function withoutAndWith<T>(read: () => Promise<T>): Promise<{ without: T; withUs: T; wire: unknown[] }> {
    instrumentation.disable();
    const without = await read();
    const bodies = [emu.requests[0].body];
    emu.reset();
    instrumentation.enable();
    const withUs = await read();
    bodies.push(emu.requests[0].body);
    return { without, withUs, wire: bodies };
  }

  const chatBase = () => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'server.address': '127.0.0.1',
    'server.port': emu.port,
    'openai.api.type': 'chat_completions',
    'provenance.credential.fingerprint': FP,
    'gen_ai.request.stream': true,
    'gen_ai.response.time_to_first_chunk': expect.any(Number),
    'gen_ai.response.id': 'chatcmpl-emu-1',
    'gen_ai.response.model': 'gpt-4o-mini',
    'openai.response.service_tier': 'default',
    'openai.response.system_fingerprint': 'fp_emu',
    'provenance.provider.request_id': 'req_emu_1',
  });
  const chatUsage = {
    'gen_ai.usage.input_tokens': 3,
    'gen_ai.usage.output_tokens': 4,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'gen_ai.usage.cost.amount': 0.00000285,
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
  };

  it.skipIf(!available)('asks for usage on a chat stream without include_usage and shows the app exactly the uninstrumented chunks', async () => {
    const request = Object.freeze({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }], stream: true });
    const { without, withUs, wire } = await withoutAndWith(async () => chunkTexts(await client.chat.completions.create(request)));
    expect(withUs).toEqual(without);
    expect(without.some((c) => c.includes('"usage"'))).toBe(false);
    expect(without.join('')).toContain('"content":" world"');
    // The app's (frozen) request is untouched; the request on the wire asked for usage.
    expect(request).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }], stream: true });
    expect(wire).toEqual([
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }], stream: true },
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }], stream: true, stream_options: { include_usage: true } },
    ]);
    const [span] = await finishedSpans(exporter);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...chatBase(),
      'provenance.usage.requested': true,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [text('Say hello world')] }]),
      'gen_ai.response.finish_reasons': ['stop'],
      ...chatUsage,
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [text('Echo: Say hello world')], finish_reason: 'stop' }]),
    });
  });

  it.skipIf(!available)('keeps the app’s other stream_options and hides the usage chunk from toReadableStream() too', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    const streamOptions = Object.freeze({ include_usage: false });
    const request = Object.freeze({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: streamOptions });
    const { without, withUs, wire } = await withoutAndWith(async () => readableBytes(await client.chat.completions.create(request)));
    expect(withUs).toBe(without);
    expect(without).not.toContain('usage');
    expect(streamOptions).toEqual({ include_usage: false });
    expect(wire[1]).toEqual({ ...request, stream_options: { include_usage: true } });
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      ...chatBase(),
      'provenance.usage.requested': true,
      'gen_ai.response.finish_reasons': ['stop'],
      ...chatUsage,
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.usage.cost.amount': 0.00000135,
    });
  });

  it.skipIf(!available)('changes nothing when the app asked for usage itself: it sees the usage chunk', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }], stream: true, stream_options: { include_usage: true } };
    const { without, withUs, wire } = await withoutAndWith(async () => chunkTexts(await client.chat.completions.create(request)));
    expect(withUs).toEqual(without);
    expect(JSON.parse(without[without.length - 1])).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } });
    expect(wire[1]).toEqual(wire[0]);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({ ...chatBase(), 'gen_ai.response.finish_reasons': ['stop'], ...chatUsage });
  });

  it.skipIf(!available)('asks for usage on a legacy completions stream and shows the app exactly the uninstrumented chunks', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    const request = { model: 'gpt-3.5-turbo-instruct', prompt: 'Say hello world', stream: true };
    const { without, withUs, wire } = await withoutAndWith(async () => chunkTexts(await client.completions.create(request)));
    expect(withUs).toEqual(without);
    expect(without.some((c) => c.includes('"usage"'))).toBe(false);
    expect(wire[1]).toEqual({ ...request, stream_options: { include_usage: true } });
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-3.5-turbo-instruct',
      'server.address': '127.0.0.1',
      'server.port': emu.port,
      'provenance.credential.fingerprint': FP,
      'gen_ai.request.stream': true,
      'provenance.usage.requested': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.response.id': 'cmpl-emu-1',
      'gen_ai.response.model': 'gpt-3.5-turbo-instruct',
      'provenance.provider.request_id': 'req_emu_1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cost.amount': 0.0000125,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
    });
  });

  it.skipIf(!available)('marks the tokens unknown when the provider sends no usage although asked', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    emu.enqueue({ kind: 'no_usage' });
    const chunks = await chunkTexts(await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }));
    expect(chunks.some((c) => c.includes('"usage"'))).toBe(false);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      ...chatBase(),
      'provenance.usage.requested': true,
      'gen_ai.response.finish_reasons': ['stop'],
      'provenance.usage.unknown': true,
    });
  });

  /** A client for `baseURL` whose requests really go to the emulator (the path after the host kept, or `path`). */
  const redirected = (OpenAIClass: any, options: Record<string, unknown>, path?: string) =>
    new OpenAIClass({
      apiKey: 'sk-test',
      maxRetries: 0,
      ...options,
      fetch: (url: string | URL, init: RequestInit) => {
        const target = new URL(String(url));
        // Azure sends its key as `api-key`; the emulator checks the OpenAI header.
        const headers = new Headers(init.headers);
        if (headers.has('api-key')) headers.set('authorization', `Bearer ${headers.get('api-key')}`);
        return fetch(`${emu.url}${path ?? target.pathname}`, { ...init, headers });
      },
    });

  it.skipIf(!available)('asks nothing of a known host that may reject stream_options (Mistral): the tokens are unknown', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    const mistral = redirected(loadOpenAI(from), { baseURL: 'https://api.mistral.ai/v1' });
    const request = { model: 'mistral-small', messages: [{ role: 'user', content: 'hi' }], stream: true };
    for await (const _ of await mistral.chat.completions.create(request)) void _;
    expect(emu.requests[0].body).toEqual(request);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mistral_ai',
      'gen_ai.request.model': 'mistral-small',
      'server.address': 'api.mistral.ai',
      'server.port': 443,
      'openai.api.type': 'chat_completions',
      'provenance.credential.fingerprint': FP,
      'gen_ai.request.stream': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'mistral-small',
      'openai.response.service_tier': 'default',
      'openai.response.system_fingerprint': 'fp_emu',
      'provenance.provider.request_id': 'req_emu_1',
      'gen_ai.response.finish_reasons': ['stop'],
      'provenance.usage.unknown': true,
    });
  });

  it.skipIf(!available)('asks nothing of an AzureOpenAI client (older API versions reject stream_options)', async () => {
    instrumentation.setConfig({ captureMessageContent: false });
    const azure = redirected(
      loadSdk(from, 'openai', 'AzureOpenAI'),
      { endpoint: 'https://res.openai.azure.com', apiVersion: '2024-06-01', deployment: 'gpt-4o-mini' },
      '/v1/chat/completions',
    );
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true };
    for await (const _ of await azure.chat.completions.create(request)) void _;
    expect(emu.requests[0].body).toEqual(request);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': 'res.openai.azure.com',
      'server.port': 443,
      'openai.api.type': 'chat_completions',
      'provenance.credential.fingerprint': FP,
      'gen_ai.request.stream': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'gpt-4o-mini',
      'openai.response.service_tier': 'default',
      'openai.response.system_fingerprint': 'fp_emu',
      'provenance.provider.request_id': 'req_emu_1',
      'gen_ai.response.finish_reasons': ['stop'],
      'provenance.usage.unknown': true,
    });
  });
});
