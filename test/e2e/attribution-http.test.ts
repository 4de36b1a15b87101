/**
 * Attribution across processes: a dispatcher (withAttribution, one span) calls the user's own node:http
 * service with fetch and http.request and forks a child with a task message; all processes run under the
 * register (--require and --import). The service's and the child's GenAI spans carry the dispatcher's
 * attribution and are children of its span; the model calls carry no propagation headers; forged and
 * oversized baggage from a raw client is bounded and never overrides what the service sets itself.
 */
import { describe, expect, it } from 'vitest';
import { runApp, type OtlpSpan } from '../harness/index.js';

/** The attribution and other provenance.* keys a span carries (store off: no CIDs). */
function attributionOf(span: OtlpSpan): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(span.attributes).filter(
      ([key]) =>
        (key.startsWith('provenance.') || key.startsWith('enduser.')) &&
        key !== 'provenance.credential.fingerprint' &&
        key !== 'provenance.provider.request_id',
    ),
  );
}

function chatSpan(spans: OtlpSpan[], via: string): OtlpSpan {
  const found = spans.filter(
    (span) =>
      span.kind === 'CLIENT' &&
      span.attributes['gen_ai.input.messages'] === JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `work via ${via}` }] }]),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

const MATRIX = [
  { module: 'cjs', app: 'fixtures/attribution-dispatcher.cjs' },
  { module: 'esm', app: 'fixtures/attribution-dispatcher.mjs' },
] as const;

describe.each(MATRIX)('$app under --$module register', ({ module, app }) => {
  it('carries trace context and attribution to the service and the fork child, never to the model call, and bounds forged baggage', async () => {
    const run = await runApp({ module, app, store: false, timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, { baggage?: string; traceparent?: string; reply?: string; traceId?: string; spanId?: string }>;
    const dispatch = result.dispatch!;
    const sent = 'enduser.id=alice,provenance.task.id=task-42,provenance.route.backend=openai,provenance.route.reason=cheapest';
    // What the user's own service received, from fetch (undici) and from http.request.
    for (const via of ['fetch', 'http']) {
      expect(result[via]).toEqual({ via, baggage: sent, traceparent: `00-${dispatch.traceId}-${dispatch.spanId}-01`, reply: `Echo: work via ${via}` });
    }
    expect(result.fork).toEqual({ reply: 'Echo: work via fork' });

    const dispatchSpan = run.spans.find((span) => span.name === 'dispatch')!;
    expect(dispatchSpan.spanId).toBe(dispatch.spanId);
    const fromDispatcher = {
      'enduser.id': 'alice',
      'provenance.task.id': 'task-42',
      'provenance.route.backend': 'openai',
      'provenance.route.reason': 'cheapest',
    };
    for (const via of ['fetch', 'http']) {
      const span = chatSpan(run.spans, via);
      expect({ traceId: span.traceId, parentSpanId: span.parentSpanId }).toEqual({ traceId: dispatch.traceId, parentSpanId: dispatch.spanId });
      // The service's own withAttribution({ workerId }) adds to what came in.
      expect(attributionOf(span)).toEqual({ ...fromDispatcher, 'provenance.worker.id': 'worker-b' });
    }
    const forkSpan = chatSpan(run.spans, 'fork');
    expect({ traceId: forkSpan.traceId, parentSpanId: forkSpan.parentSpanId }).toEqual({ traceId: dispatch.traceId, parentSpanId: dispatch.spanId });
    expect(attributionOf(forkSpan)).toEqual(fromDispatcher);

    // Forged: the documented key it may set is read (first occurrence), the service's own worker id wins,
    // an over-long value and undocumented keys are dropped; no trace context came, so a new trace starts.
    const forged = chatSpan(run.spans, 'forged');
    expect(forged.parentSpanId).toBeUndefined();
    expect(attributionOf(forged)).toEqual({ 'enduser.id': 'mallory', 'provenance.worker.id': 'worker-b' });
    expect(forged.attributes['gen_ai.request.model']).toBe('gpt-4o-mini');
    // A header longer than 8192 characters is not read; members past the 180th are not read.
    expect(attributionOf(chatSpan(run.spans, 'oversized'))).toEqual({ 'provenance.worker.id': 'worker-b' });
    expect(attributionOf(chatSpan(run.spans, 'members'))).toEqual({ 'provenance.worker.id': 'worker-b' });

    // The model calls (6 chat completions) carried no baggage and no trace context to the provider.
    const chats = run.emulatorRequests.filter((request) => request.path === '/v1/chat/completions');
    expect(chats).toHaveLength(6);
    expect(chats.map((request) => [request.headers.baggage, request.headers.traceparent])).toEqual(chats.map(() => [undefined, undefined]));
  });
});

describe('a model call by its route alone', () => {
  // Under --import the register's ES module build asks whether a request is a model call, while the
  // instrumentations (loaded with require) are what know the routes: both builds must share the answer.
  it.each(['cjs', 'esm'] as const)(
    'gets no propagation headers from fetch or http.request, while the same server on another route gets both (%s register)',
    async (module) => {
      const run = await runApp({ module, app: 'fixtures/attribution-model-routes.cjs', store: false, timeoutMs: 60_000 });
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      const received = JSON.parse(run.stdout) as Record<string, { baggage: string | null; traceparent: string | null }>;
      const none = { baggage: null, traceparent: null };
      expect(Object.keys(received).sort()).toEqual(['fetch /generate', 'fetch /work', 'http /generate', 'http /work']);
      expect(received['fetch /generate']).toEqual(none);
      expect(received['http /generate']).toEqual(none);
      for (const key of ['fetch /work', 'http /work']) {
        expect(received[key]!.baggage).toBe('enduser.id=alice,provenance.task.id=task-7');
        expect(received[key]!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      }
    },
  );

  it('is off with OTEL_PROPAGATORS=none: no route gets a propagation header', async () => {
    const run = await runApp({
      module: 'cjs',
      app: 'fixtures/attribution-model-routes.cjs',
      store: false,
      env: { OTEL_PROPAGATORS: 'none' },
      timeoutMs: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const none = { baggage: null, traceparent: null };
    expect(JSON.parse(run.stdout)).toEqual({ 'fetch /generate': none, 'http /generate': none, 'fetch /work': none, 'http /work': none });
  });
});
