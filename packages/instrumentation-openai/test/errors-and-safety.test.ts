import net from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { startEmulator } from '@llm-provenance/provider-emulators';
import { useEmulator } from '@llm-provenance/test-support';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { MAJORS, finishedSpans, loadOpenAI, setupTracing } from './helpers.js';

const { exporter, instrumentation, provider } = setupTracing();

/** Everything an exporter could see of a span, as bytes. */
function serialize(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    status: span.status,
    events: span.events,
    links: span.links,
    resource: span.resource.attributes,
    scope: span.instrumentationScope,
  });
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe.each(MAJORS)('errors, secrets and transparency, openai $label', ({ from, available }) => {
  const emu = useEmulator({ now: () => 1_700_000_000_000 });
  let OpenAI: any;
  let client: any;

  beforeAll(async () => {
    if (!available) return;
    OpenAI = loadOpenAI(from);
    client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  beforeEach(() => {
    emu.reset();
    exporter.reset();
    instrumentation.setConfig({ captureMessageContent: false });
  });

  const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
  const base = (port: number) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'server.address': '127.0.0.1',
    'server.port': port,
    'openai.api.type': 'chat_completions',
    'provenance.credential.fingerprint': fingerprintCredential('sk-test'),
  });

  async function failure(call: () => Promise<unknown>): Promise<any> {
    try {
      await call();
    } catch (err) {
      return err;
    }
    throw new Error('expected the call to fail');
  }

  it.skipIf(!available)('records a 429 as error.type "429" with the status code and request id', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 3 });
    const err = await failure(() => client.chat.completions.create(request));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const [span] = await finishedSpans(exporter);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: err.message });
    expect(span.attributes).toEqual({
      ...base(emu.port),
      'error.type': '429',
      'http.response.status_code': 429,
      'provenance.provider.request_id': 'req_emu_1',
    });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it.skipIf(!available)('records a 500 as error.type "500"', async () => {
    emu.enqueue({ kind: 'error', status: 500 });
    const err = await failure(() => client.chat.completions.create(request));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      ...base(emu.port),
      'error.type': '500',
      'http.response.status_code': 500,
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  it.skipIf(!available)('handles connection errors without crashing', async () => {
    const port = await closedPort();
    const refused = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const err = await failure(() => refused.chat.completions.create(request));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
    const [span] = await finishedSpans(exporter);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: err.message });
    expect(span.attributes).toEqual({ ...base(port), 'error.type': 'APIConnectionError' });
  });

  it.skipIf(!available)('records a timeout as APIConnectionTimeoutError', async () => {
    emu.enqueue({ kind: 'hang' });
    const err = await failure(() => client.chat.completions.create(request, { timeout: 150 }));
    expect(err).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({ ...base(emu.port), 'error.type': 'APIConnectionTimeoutError' });
  });

  it.skipIf(!available)('records an abort before the response as APIUserAbortError', async () => {
    emu.enqueue({ kind: 'hang' });
    const ac = new AbortController();
    // Abort once the emulator holds the request, so the abort lands while the SDK awaits the response.
    void emu.received().then(() => ac.abort());
    const err = await failure(() => client.chat.completions.create(request, { signal: ac.signal }));
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({ ...base(emu.port), 'error.type': 'APIUserAbortError' });
  });

  it.skipIf(!available)('never lets a planted API key reach any exported span; its fingerprint does', async () => {
    instrumentation.setConfig({});
    const planted = 'sk-planted-0123456789abcdefXYZ';
    const leaky = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: planted, maxRetries: 0 });
    await leaky.chat.completions.create(request);
    const stream = await leaky.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    for await (const _ of stream) void _;
    await leaky.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' });
    await leaky.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    emu.enqueue({ kind: 'error', status: 401, message: `Incorrect API key provided: ${planted}. Authorization: Bearer ${planted}` });
    const err = await failure(() => leaky.chat.completions.create(request));
    expect(err.message).toContain(planted); // the SDK's own error still says it; only our spans must not
    expect(emu.requests.every((r) => r.headers.authorization === `Bearer ${planted}`)).toBe(true);
    const spans = await finishedSpans(exporter, 5);
    expect(spans).toHaveLength(5);
    for (const span of spans) {
      const bytes = serialize(span);
      expect(bytes).not.toContain(planted);
      expect(bytes).not.toContain('planted-0123456789');
      expect(span.attributes['provenance.credential.fingerprint']).toBe(fingerprintCredential(planted));
    }
    expect(spans[4].status.message).toBe(`401 Incorrect API key provided: [REDACTED]. Authorization: Bearer [REDACTED]`);
  });

  it.skipIf(!available)("removes the client's own API key from error messages even when it has no well-known shape", async () => {
    // A self-hosted OpenAI-compatible gateway's token matches none of the secret patterns; the
    // instrumentation knows the credential, so its literal value must never reach the span.
    const planted = 'gw.0123456789abcdefXYZ';
    const gateway = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: planted, maxRetries: 0 });
    emu.enqueue({ kind: 'error', status: 401, message: `Unknown token ${planted} for this gateway` });
    const err = await failure(() => gateway.chat.completions.create(request));
    expect(err.message).toBe(`401 Unknown token ${planted} for this gateway`);
    const [span] = await finishedSpans(exporter);
    expect(serialize(span)).not.toContain(planted);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: '401 Unknown token [REDACTED] for this gateway' });
    // exception.type is the exception's class (semconv "exception" event); error.type stays the status.
    expect(span.events.map((e) => [e.name, e.attributes?.['exception.type'], e.attributes?.['exception.message']])).toEqual([
      ['exception', 'AuthenticationError', '401 Unknown token [REDACTED] for this gateway'],
    ]);
    expect(span.attributes).toEqual({
      ...base(emu.port),
      'provenance.credential.fingerprint': fingerprintCredential(planted),
      'error.type': '401',
      'http.response.status_code': 401,
      'provenance.provider.request_id': 'req_emu_1',
    });
  });

  describe('transparency', () => {
    afterEach(() => {
      instrumentation.enable();
      instrumentation.setTracerProvider(provider);
      diag.disable();
    });

    async function outcome(call: () => Promise<unknown>) {
      emu.reset();
      try {
        const value: any = await call();
        return { ok: JSON.stringify(value), requestId: value?._request_id };
      } catch (err: any) {
        return { err: [err.constructor.name, err.status, err.message, JSON.stringify(err.error)] };
      }
    }

    it.skipIf(!available)('returns and throws exactly what the SDK does without instrumentation', async () => {
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['chat', () => client.chat.completions.create(request)],
        ['embeddings', () => client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' })],
        ['responses', () => client.responses.create({ model: 'gpt-4o-mini', input: 'hi' })],
        [
          'stream',
          async () => {
            const chunks: unknown[] = [];
            for await (const c of await client.chat.completions.create({ ...request, stream: true })) chunks.push(c);
            return chunks;
          },
        ],
        [
          '429',
          () => {
            emu.enqueue({ kind: 'error', status: 429 });
            return client.chat.completions.create(request);
          },
        ],
      ];
      for (const [name, call] of calls) {
        instrumentation.disable();
        const without = await outcome(call);
        instrumentation.enable();
        const withUs = await outcome(call);
        expect(withUs, name).toEqual(without);
      }
      expect(exporter.getFinishedSpans()).toHaveLength(calls.length);
    });
  });
});

describe('when our own code fails', () => {
  afterEach(() => {
    instrumentation.setTracerProvider(provider);
    diag.disable();
  });

  it('still returns the result on every openai major, and logs each failure once', async () => {
    const emu = await startEmulator({ now: () => 1_700_000_000_000 });
    const logged: string[] = [];
    diag.setLogger(
      { error: (...args: unknown[]) => logged.push(args.join(' ')), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.ERROR,
    );
    const request = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    try {
      for (const { from, available } of MAJORS.filter((m) => m.available)) {
        void available;
        const OpenAI = loadOpenAI(from);
        const client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
        const call = async () => {
          emu.reset();
          const value = await client.chat.completions.create(request);
          return [JSON.stringify(value), value._request_id];
        };
        instrumentation.setTracerProvider(provider);
        const expected = await call();
        // A tracer whose spans throw on every attribute write: recording the response fails in our code.
        const tracer = provider.getTracer('broken');
        instrumentation.setTracerProvider({
          getTracer: () =>
            ({
              startSpan: (...args: Parameters<typeof tracer.startSpan>) => {
                const span = tracer.startSpan(...args);
                span.setAttributes = () => {
                  throw new Error('forced internal failure');
                };
                return span;
              },
              startActiveSpan: tracer.startActiveSpan.bind(tracer),
            }) as any,
        });
        expect(await call()).toEqual(expected);
        expect(await call()).toEqual(expected);
        // A tracer that cannot even start a span: the call runs untraced.
        instrumentation.setTracerProvider({
          getTracer: () =>
            ({
              startSpan: () => {
                throw new Error('forced start failure');
              },
              startActiveSpan: () => {
                throw new Error('forced start failure');
              },
            }) as any,
        });
        expect(await call()).toEqual(expected);
        const stream = await client.chat.completions.create({ ...request, stream: true });
        let out = '';
        for await (const c of stream) out += c.choices[0]?.delta?.content ?? '';
        expect(out).toBe('Echo: hi');
      }
    } finally {
      await emu.close();
    }
    const ours = logged.filter((m) => m.includes('llm-provenance instrumentation failed'));
    expect(ours).toHaveLength(2);
    expect(ours[0]).toContain('forced internal failure');
    expect(ours[1]).toContain('forced start failure');
  });
});
