import { context, SpanStatusCode, trace as traceApi } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { beforeEach, describe, expect, it } from 'vitest';
import { SpanRecorder, waitForSpans } from '@llm-provenance/test-support';
import {
  BUILTIN_PRICE_TABLE,
  InternalErrorReporter,
  routeCall,
  routeWithFallback,
  traceGenAICall,
  withAttribution,
  type GenAIRequest,
} from '@llm-provenance/instrumentation-common';

const exporter = new SpanRecorder();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
traceApi.setGlobalTracerProvider(provider);
const tracer = provider.getTracer('test');

/** A model call as the backend instrumentations record it: a GenAI span through traceGenAICall. */
function modelCall<T>(model: string, invoke: () => Promise<T>): Promise<T> {
  const request: GenAIRequest = { operationName: 'chat', providerName: 'openai', requestModel: model, baseUrl: 'http://127.0.0.1:1/v1' };
  return traceGenAICall({
    tracer,
    policy: { captureContent: false, priceTable: BUILTIN_PRICE_TABLE },
    errors: new InternalErrorReporter(),
    request: () => request,
    invoke,
  });
}

const routeSpans = (spans: ReadableSpan[]) => spans.filter((s) => s.name.startsWith('route '));
const genAISpans = (spans: ReadableSpan[]) => spans.filter((s) => s.name.startsWith('chat '));
const rateLimited = () => Object.assign(new Error('429 Too Many Requests'), { status: 429 });

beforeEach(() => exporter.reset());

describe('routeCall', () => {
  it('records the decision as the parent span of the model call, which carries the route backend and reason', async () => {
    const reply = await withAttribution({ userId: 'alice' }, () =>
      routeCall({ candidates: ['big', 'small'], choice: 'small', reason: 'cheapest' }, () => modelCall('small-model', async () => 'hi')),
    );
    expect(reply).toBe('hi');
    const spans = await waitForSpans(exporter, 2);
    const [route] = routeSpans(spans);
    const [call] = genAISpans(spans);
    expect(route.name).toBe('route small');
    expect(route.attributes).toEqual({
      'provenance.route.candidates': ['big', 'small'],
      'provenance.route.backend': 'small',
      'provenance.route.reason': 'cheapest',
    });
    expect(call.parentSpanContext?.spanId).toBe(route.spanContext().spanId);
    expect(call.attributes).toMatchObject({
      'enduser.id': 'alice',
      'provenance.route.backend': 'small',
      'provenance.route.reason': 'cheapest',
    });
  });

  it('passes the error through and marks the route span failed', async () => {
    await expect(routeCall({ candidates: ['a'], choice: 'a', reason: 'latency' }, () => Promise.reject(rateLimited()))).rejects.toThrow(
      '429 Too Many Requests',
    );
    const [route] = await waitForSpans(exporter, 1);
    expect(route.status).toEqual({ code: SpanStatusCode.ERROR, message: '429 Too Many Requests' });
    expect(route.attributes['error.type']).toBe('429');
  });

  it('rejects a decision without candidates, choice or reason, naming the field', () => {
    expect(() => routeCall({ candidates: ['a'], choice: '', reason: 'x' }, () => 1)).toThrow('routeCall: "choice" must be a non-empty string');
    expect(() => routeCall({ candidates: ['a'], choice: 'a', reason: '' }, () => 1)).toThrow('routeCall: "reason" must be a non-empty string');
    expect(() => routeCall({ candidates: [''], choice: 'a', reason: 'x' }, () => 1)).toThrow('routeCall: "candidates" must be an array of non-empty strings');
  });
});

describe('routeWithFallback', () => {
  it('falls back after a 429 with reason rate_limited, each try a route span over its own model call', async () => {
    const reply = await routeWithFallback(
      [
        { name: 'primary', call: () => modelCall('primary-model', () => Promise.reject(rateLimited())) },
        { name: 'secondary', call: () => modelCall('secondary-model', async () => 'from secondary') },
      ],
      { reason: 'cheapest' },
    );
    expect(reply).toBe('from secondary');
    const spans = await waitForSpans(exporter, 4);
    const routes = routeSpans(spans);
    expect(routes.map((s) => [s.name, s.attributes, s.status.code])).toEqual([
      [
        'route primary',
        {
          'provenance.route.candidates': ['primary', 'secondary'],
          'provenance.route.backend': 'primary',
          'provenance.route.reason': 'cheapest',
          'provenance.route.attempt': 1,
          'error.type': '429',
        },
        SpanStatusCode.ERROR,
      ],
      [
        'route secondary',
        {
          'provenance.route.candidates': ['primary', 'secondary'],
          'provenance.route.backend': 'secondary',
          'provenance.route.reason': 'rate_limited',
          'provenance.route.attempt': 2,
        },
        SpanStatusCode.UNSET,
      ],
    ]);
    const calls = genAISpans(spans);
    expect(calls.map((s) => [s.attributes['gen_ai.request.model'], s.attributes['provenance.route.backend'], s.attributes['provenance.route.reason']])).toEqual(
      [
        ['primary-model', 'primary', 'cheapest'],
        ['secondary-model', 'secondary', 'rate_limited'],
      ],
    );
    expect(calls.map((s) => s.parentSpanContext?.spanId)).toEqual(routes.map((s) => s.spanContext().spanId));
  });

  it('falls back after a connection error with reason fallback_after_error', async () => {
    await routeWithFallback([
      { name: 'a', call: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')) },
      { name: 'b', call: async () => 'ok' },
    ]);
    const routes = routeSpans(await waitForSpans(exporter, 2));
    expect(routes.map((s) => s.attributes['provenance.route.reason'])).toEqual(['preferred', 'fallback_after_error']);
  });

  it("throws a 4xx other than 429 at once: the request is the caller's to fix", async () => {
    let secondCalled = false;
    await expect(
      routeWithFallback([
        { name: 'a', call: () => Promise.reject(Object.assign(new Error('400 Bad Request'), { status: 400 })) },
        { name: 'b', call: async () => void (secondCalled = true) },
      ]),
    ).rejects.toThrow('400 Bad Request');
    expect(secondCalled).toBe(false);
  });

  it('throws the last error when every backend failed', async () => {
    await expect(
      routeWithFallback([
        { name: 'a', call: () => Promise.reject(rateLimited()) },
        { name: 'b', call: () => Promise.reject(new Error('b is down')) },
      ]),
    ).rejects.toThrow('b is down');
  });
});
