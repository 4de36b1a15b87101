import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { context, propagation, ROOT_CONTEXT, trace as traceApi, TraceFlags, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { SpanRecorder } from '@llm-provenance/test-support';
import {
  BUILTIN_PRICE_TABLE,
  InternalErrorReporter,
  attributionFromBaggageHeader,
  continueFromHeaders,
  propagationHeaders,
  readAttribution,
  setAttribution,
  setConfiguredProviders,
  setModelCallMatcher,
  setRemoteAttribution,
  taskMessage,
  traceGenAICall,
  withAttribution,
  BAGGAGE_MAX_MEMBERS,
  BAGGAGE_MAX_TOTAL_LENGTH,
  ATTRIBUTION_VALUE_MAX_LENGTH,
} from '@llm-provenance/instrumentation-common';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new SpanRecorder() })] });
const tracer = provider.getTracer('test');

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const REMOTE: Context = traceApi.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });

describe('attributionFromBaggageHeader (untrusted input)', () => {
  it('reads the documented keys only, percent-decoded, first occurrence winning, properties ignored', () => {
    expect(
      attributionFromBaggageHeader(
        'enduser.id=al%20ice;prop=1, provenance.task.id = t-1 ,provenance.evil=x,gen_ai.request.model=m,enduser.id=second,provenance.worker.id=w,provenance.route.backend=b,provenance.route.reason=r',
      ),
    ).toEqual({ userId: 'al ice', taskId: 't-1', workerId: 'w', routeBackend: 'b', routeReason: 'r' });
  });

  it('drops empty, over-long and badly encoded values', () => {
    const long = 'x'.repeat(ATTRIBUTION_VALUE_MAX_LENGTH + 1);
    expect(attributionFromBaggageHeader(`enduser.id=,provenance.task.id=${long},provenance.worker.id=%E0%A4%A,provenance.route.reason=ok`)).toEqual({
      routeReason: 'ok',
    });
    expect(attributionFromBaggageHeader(`enduser.id=${'y'.repeat(ATTRIBUTION_VALUE_MAX_LENGTH)}`)).toEqual({
      userId: 'y'.repeat(ATTRIBUTION_VALUE_MAX_LENGTH),
    });
  });

  it('reads nothing from a header longer than the W3C total, and no member past the member limit', () => {
    const filler = 'k=v,'.repeat(BAGGAGE_MAX_MEMBERS - 1);
    expect(attributionFromBaggageHeader(`${filler}enduser.id=last-read`)).toEqual({ userId: 'last-read' });
    expect(attributionFromBaggageHeader(`${filler}k=v,enduser.id=too-late`)).toEqual({});
    const head = 'enduser.id=u,k=';
    expect(attributionFromBaggageHeader(head + 'v'.repeat(BAGGAGE_MAX_TOTAL_LENGTH - head.length))).toEqual({ userId: 'u' });
    expect(attributionFromBaggageHeader(head + 'v'.repeat(BAGGAGE_MAX_TOTAL_LENGTH - head.length + 1))).toEqual({});
    // Several baggage headers count together.
    expect(attributionFromBaggageHeader(['enduser.id=a', 'provenance.task.id=t'])).toEqual({ userId: 'a', taskId: 't' });
    expect(attributionFromBaggageHeader(undefined)).toEqual({});
  });
});

describe('remote and local attribution', () => {
  it('lets what this process sets win over a received value, whether set before or after it arrived', () => {
    const localFirst = setAttribution(ROOT_CONTEXT, { workerId: 'mine' });
    const received = continueFromHeaders(localFirst, { baggage: 'provenance.worker.id=forged,enduser.id=u-remote' });
    expect(readAttribution(received)).toEqual({ 'provenance.worker.id': 'mine', 'enduser.id': 'u-remote' });
    const localAfter = setAttribution(setRemoteAttribution(ROOT_CONTEXT, { userId: 'u-remote', taskId: 't-remote' }), { taskId: 't-mine' });
    expect(readAttribution(localAfter)).toEqual({ 'enduser.id': 'u-remote', 'provenance.task.id': 't-mine' });
  });

  it('treats an empty string as unset: the outer value stays, and no attribute is empty', () => {
    withAttribution({ userId: 'outer', taskId: 't' }, () =>
      withAttribution({ userId: '', taskId: undefined, workerId: '' }, () => {
        expect(readAttribution()).toEqual({ 'enduser.id': 'outer', 'provenance.task.id': 't' });
      }),
    );
    const baggage = propagation.createBaggage({ 'enduser.id': { value: '' }, 'provenance.task.id': { value: 'from-baggage' } });
    expect(readAttribution(propagation.setBaggage(ROOT_CONTEXT, baggage))).toEqual({ 'provenance.task.id': 'from-baggage' });
  });

  it('continues the trace of an incoming traceparent', () => {
    const ctx = continueFromHeaders(ROOT_CONTEXT, { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01` });
    expect(traceApi.getSpanContext(ctx)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
  });
});

describe('propagationHeaders', () => {
  it('writes traceparent and a baggage header with the attribution keys only, by the W3C propagators', () => {
    const user = propagation.setBaggage(REMOTE, propagation.createBaggage({ 'session.secret': { value: 's' } }));
    const ctx = setRemoteAttribution(setAttribution(user, { userId: 'u 1', taskId: 't,1' }), { workerId: 'w' });
    expect(propagationHeaders(ctx, 'http://127.0.0.1:8080/work')).toEqual({
      traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`,
      baggage: 'provenance.worker.id=w,enduser.id=u%201,provenance.task.id=t%2C1',
    });
    expect(propagationHeaders(ROOT_CONTEXT, 'http://127.0.0.1:8080/work')).toEqual({});
  });

  it('writes nothing for a model call: to a known provider host, or inside a GenAI call', async () => {
    const ctx = setAttribution(REMOTE, { userId: 'u-1' });
    expect(propagationHeaders(ctx, 'https://api.openai.com/v1/chat/completions')).toEqual({});
    const owner = {};
    setConfiguredProviders(owner, [{ url: 'http://127.0.0.1:8000/vllm', providerName: 'vllm' }]);
    expect(propagationHeaders(ctx, 'http://127.0.0.1:8000/vllm/v1/completions')).toEqual({});
    expect(Object.keys(propagationHeaders(ctx, 'http://127.0.0.1:8000/other'))).toEqual(['traceparent', 'baggage']);
    setConfiguredProviders(owner, []);
    const inside = await context.with(ctx, () =>
      traceGenAICall({
        tracer,
        policy: { captureContent: false, priceTable: BUILTIN_PRICE_TABLE },
        errors: new InternalErrorReporter(),
        request: () => ({ operationName: 'chat', providerName: 'openai', requestModel: 'm', baseUrl: 'http://127.0.0.1:9/v1', attributes: {} }),
        invoke: () => Promise.resolve(propagationHeaders(context.active(), 'http://127.0.0.1:9/v1/chat/completions')),
      }),
    );
    expect(inside).toEqual({});
  });

  it('writes nothing on a route an HTTP-level instrumentation calls a model call, on any host, and when its matcher fails', () => {
    const ctx = setAttribution(REMOTE, { userId: 'u-1' });
    const owner = {};
    const asked: string[] = [];
    setModelCallMatcher(owner, (method, origin, path) => {
      asked.push(`${method} ${origin}${path}`);
      return method === 'POST' && path === '/generate';
    });
    try {
      expect(propagationHeaders(ctx, 'http://tgi.internal:3000/generate', 'post')).toEqual({});
      expect(Object.keys(propagationHeaders(ctx, 'http://tgi.internal:3000/generate', 'GET'))).toEqual(['traceparent', 'baggage']);
      expect(Object.keys(propagationHeaders(ctx, 'http://tgi.internal:3000/work?x=1', 'POST'))).toEqual(['traceparent', 'baggage']);
      expect(asked).toEqual(['POST http://tgi.internal:3000/generate', 'GET http://tgi.internal:3000/generate', 'POST http://tgi.internal:3000/work?x=1']);
      setModelCallMatcher(owner, () => {
        throw new Error('broken matcher');
      });
      expect(propagationHeaders(ctx, 'http://127.0.0.1:8080/work', 'POST')).toEqual({});
    } finally {
      setModelCallMatcher(owner, undefined);
    }
    expect(Object.keys(propagationHeaders(ctx, 'http://tgi.internal:3000/generate', 'POST'))).toEqual(['traceparent', 'baggage']);
  });
});

describe('taskMessage / runWithTaskContext', () => {
  it('carries the dispatching span and its attribution to a worker_threads worker', async () => {
    const worker = new Worker(fileURLToPath(new URL('./attribution-task-worker.cjs', import.meta.url)));
    const reply = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const dispatched = tracer.startActiveSpan('dispatch', (span) =>
      withAttribution({ userId: 'u-1', taskId: 'task-7', routeBackend: 'vllm', routeReason: 'latency' }, () => {
        worker.postMessage(taskMessage({ job: 3 }));
        span.end();
        return span.spanContext();
      }),
    );
    expect(await reply).toEqual({
      payload: { job: 3 },
      traceId: dispatched.traceId,
      parentSpanId: dispatched.spanId,
      attribution: { 'enduser.id': 'u-1', 'provenance.task.id': 'task-7', 'provenance.route.backend': 'vllm', 'provenance.route.reason': 'latency' },
    });
    await worker.terminate();
  });
});
