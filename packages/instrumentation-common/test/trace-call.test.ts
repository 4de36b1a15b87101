import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, beforeEach } from 'vitest';
import { context, propagation, SpanKind, SpanStatusCode, trace as traceApi } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { SpanRecorder, waitForSpans } from '@llm-provenance/test-support';
import {
  BUILTIN_PRICE_TABLE,
  InternalErrorReporter,
  fingerprintCredential,
  traceGenAICall,
  withAttribution,
  type GenAIPolicy,
  type GenAIRequest,
  type StreamAccumulator,
  type TraceCallOptions,
} from '@llm-provenance/instrumentation-common';

const exporter = new SpanRecorder();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
traceApi.setGlobalTracerProvider(provider);
const tracer = provider.getTracer('test');
const policy = (over: Partial<GenAIPolicy> = {}): GenAIPolicy => ({ captureContent: true, priceTable: BUILTIN_PRICE_TABLE, ...over });

const request: GenAIRequest = {
  operationName: 'chat',
  providerName: 'openai',
  requestModel: 'gpt-4o-mini',
  baseUrl: 'https://api.openai.com/v1',
  credential: 'sk-abc',
  attributes: { 'gen_ai.request.temperature': 0, 'gen_ai.input.messages': 'smuggled' },
  content: { inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }], systemInstructions: [{ type: 'text', content: 'be nice' }] },
};
const requestAttributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'server.address': 'api.openai.com',
  'server.port': 443,
  'gen_ai.request.temperature': 0,
  'provenance.credential.fingerprint': fingerprintCredential('sk-abc'),
};
const requestContent = {
  'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
  'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'be nice' }]),
};

function trace<T>(over: Partial<TraceCallOptions<T>> & { invoke: () => T }, p = policy()): T {
  return traceGenAICall({ tracer, policy: p, errors: new InternalErrorReporter(), request: () => request, ...over });
}

async function* chunks(words: string[], failAfter?: number) {
  for (const [i, w] of words.entries()) {
    await nextTurn(); // chunks arrive on later turns of the event loop, as from a socket
    if (i === failAfter) throw Object.assign(new Error('stream broke: Bearer sk-leaked-123456'), { status: 502 });
    yield { text: w };
  }
}
class TextAccumulator implements StreamAccumulator<{ text: string }> {
  text = '';
  done = false;
  constructor(private readonly words: number) {}
  onChunk(c: { text: string }) {
    this.text += c.text;
    if (this.text.split(' ').length === this.words) this.done = true;
  }
  isComplete() {
    return this.done;
  }
  result() {
    return {
      id: 'r1',
      usage: { inputTokens: 1, outputTokens: this.text.split(' ').filter(Boolean).length },
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: this.text }], finish_reason: 'stop' }],
    };
  }
}

describe('traceGenAICall', () => {
  beforeEach(() => exporter.reset());

  it('returns the very promise the SDK returned and records request, response, cost and content', async () => {
    const sdkPromise = (async () => ({ id: 'x1', model: 'gpt-4o-mini-2024-07-18', usage: { in: 10, out: 5 } }))();
    const returned = trace({
      invoke: () => sdkPromise,
      response: (r: any) => ({
        id: r.id,
        model: r.model,
        finishReasons: ['stop'],
        usage: { inputTokens: r.usage.in, outputTokens: r.usage.out },
        requestId: 'req-1',
        outputMessages: [{ role: 'assistant', parts: [], finish_reason: 'stop' }],
      }),
    });
    expect(returned).toBe(sdkPromise);
    await returned;
    await waitForSpans(exporter, 1);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      ...requestAttributes,
      ...requestContent,
      'gen_ai.response.id': 'x1',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.cost.amount': 0.0000045,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'provenance.provider.request_id': 'req-1',
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [], finish_reason: 'stop' }]),
    });
  });

  it('records no content with capture off, even content a backend put among its attributes', async () => {
    await trace(
      { invoke: async () => ({}), response: () => ({ outputMessages: [{ role: 'assistant', parts: [], finish_reason: 'stop' }] }) },
      policy({ captureContent: false }),
    );
    await waitForSpans(exporter, 1);
    // A response without token counts says so (provenance.usage.unknown).
    expect(exporter.getFinishedSpans()[0].attributes).toEqual({ ...requestAttributes, 'provenance.usage.unknown': true });
  });

  it('prefers a provider-reported cost, and omits cost for an unknown model', async () => {
    await trace(
      { invoke: async () => ({}), response: () => ({ usage: { inputTokens: 1 }, providerCost: { amount: 0.5, currency: 'EUR' } }) },
      policy({ captureContent: false }),
    );
    await trace(
      {
        invoke: async () => ({}),
        request: () => ({ ...request, requestModel: 'unknown-model' }),
        response: () => ({ usage: { inputTokens: 1000, outputTokens: 1 } }),
      },
      policy({ captureContent: false }),
    );
    await waitForSpans(exporter, 2);
    const [reported, unknown] = exporter.getFinishedSpans();
    expect(reported.attributes['gen_ai.usage.cost.amount']).toBe(0.5);
    expect(reported.attributes['gen_ai.usage.cost.currency']).toBe('EUR');
    expect(reported.attributes['gen_ai.usage.cost.source']).toBe('provider');
    expect(Object.keys(unknown.attributes).filter((k) => k.startsWith('gen_ai.usage.cost'))).toEqual([]);
    expect(unknown.attributes['gen_ai.usage.input_tokens']).toBe(1000);
  });

  it('applies the providerName override', async () => {
    await trace({ invoke: async () => ({}) }, policy({ captureContent: false, providerName: 'vllm' }));
    await waitForSpans(exporter, 1);
    expect(exporter.getFinishedSpans()[0].attributes['gen_ai.provider.name']).toBe('vllm');
  });

  it('reads attribution from withAttribution and from baggage, withAttribution winning', async () => {
    const baggage = propagation.createBaggage({ 'enduser.id': { value: 'from-baggage' }, 'provenance.task.id': { value: 'task-b' } });
    await context.with(propagation.setBaggage(context.active(), baggage), () =>
      withAttribution({ userId: 'u-1', workerId: 'w-1', routeBackend: 'openai', routeReason: 'cheapest' }, () =>
        trace({ invoke: async () => ({}) }, policy({ captureContent: false })),
      ),
    );
    await waitForSpans(exporter, 1);
    const attrs = exporter.getFinishedSpans()[0].attributes;
    expect(attrs['enduser.id']).toBe('u-1');
    expect(attrs['provenance.task.id']).toBe('task-b');
    expect(attrs['provenance.worker.id']).toBe('w-1');
    expect(attrs['provenance.route.backend']).toBe('openai');
    expect(attrs['provenance.route.reason']).toBe('cheapest');
    expect(() => withAttribution({ userId: 42 as unknown as string }, () => 0)).toThrow('withAttribution: "userId" must be a string, got number');
  });

  it('records a rejection with error.type, the status code and a scrubbed message, and rethrows it unchanged', async () => {
    const err = Object.assign(new Error('Incorrect API key provided: sk-abcdefghijkl'), { status: 401 });
    await expect(trace({ invoke: () => Promise.reject(err) }, policy({ captureContent: false }))).rejects.toBe(err);
    await waitForSpans(exporter, 1);
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Incorrect API key provided: [REDACTED]' });
    expect(span.attributes).toEqual({ ...requestAttributes, 'error.type': '401', 'http.response.status_code': 401 });
    expect(JSON.stringify(span.events)).not.toContain('sk-abcdefghijkl');
  });

  it('records a synchronous throw and rethrows it', () => {
    const err = new RangeError('bad');
    expect(() =>
      trace(
        {
          invoke: () => {
            throw err;
          },
        },
        policy({ captureContent: false }),
      ),
    ).toThrow(err);
    expect(exporter.getFinishedSpans()[0].attributes['error.type']).toBe('RangeError');
  });

  it('lets the call proceed untraced when the request mapper throws', async () => {
    const value = await trace({
      invoke: async () => 'result',
      request: () => {
        throw new Error('mapper bug');
      },
    });
    expect(value).toBe('result');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  describe('streams (async generators)', () => {
    const stream = (accumulatorWords = 3) => ({ accumulator: () => new TextAccumulator(accumulatorWords) });

    it('ends on completion with the accumulated response and time to first chunk', async () => {
      const gen = chunks(['a', ' b', ' c']);
      const returned = trace({ invoke: async () => gen, stream: stream() });
      const out: string[] = [];
      for await (const c of await returned) out.push(c.text);
      expect(out).toEqual(['a', ' b', ' c']);
      const [span] = exporter.getFinishedSpans();
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes['gen_ai.output.messages']).toBe(
        JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'a b c' }], finish_reason: 'stop' }]),
      );
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
      expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    });

    it('ends without error when the consumer breaks, keeping the partial output', async () => {
      const returned = trace({ invoke: () => chunks(['a', ' b', ' c']), stream: stream() });
      for await (const c of returned) if (c.text === 'a') break;
      const [span] = exporter.getFinishedSpans();
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(1);
    });

    it('records an error thrown mid-stream, scrubbed, and rethrows the same error', async () => {
      let caught: unknown;
      try {
        for await (const c of trace({ invoke: () => chunks(['a', ' b', ' c'], 1), stream: stream() })) void c;
      } catch (err) {
        caught = err;
      }
      expect((caught as Error).message).toBe('stream broke: Bearer sk-leaked-123456');
      const [span] = exporter.getFinishedSpans();
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'stream broke: Bearer [REDACTED]' });
      expect(span.attributes['error.type']).toBe('502');
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(1);
    });

    it('records an abort when the stream ends early while its signal is aborted, not when it had completed', async () => {
      const ac = new AbortController();
      async function* abortable() {
        yield { text: 'a' };
        ac.abort();
        if (ac.signal.aborted) return; // the SDK swallows its own abort and just ends
        yield { text: ' b' };
      }
      for await (const c of trace({ invoke: () => abortable(), stream: { ...stream(), abortSignal: () => ac.signal, abortErrorType: 'APIUserAbortError' } }))
        void c;
      const done = new AbortController();
      async function* finishedThenAborted() {
        yield { text: 'a' };
        yield { text: ' b' };
        yield { text: ' c' };
        done.abort();
      }
      for await (const c of trace({ invoke: () => finishedThenAborted(), stream: { ...stream(), abortSignal: () => done.signal } })) void c;
      const [aborted, completed] = exporter.getFinishedSpans();
      expect(aborted.attributes['error.type']).toBe('APIUserAbortError');
      expect(aborted.status.code).toBe(SpanStatusCode.ERROR);
      expect(completed.attributes['error.type']).toBeUndefined();
      expect(completed.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('passes every chunk through unchanged when the accumulator throws', async () => {
      const broken: StreamAccumulator = {
        onChunk: () => {
          throw new Error('mapper bug');
        },
        result: () => {
          throw new Error('mapper bug');
        },
      };
      const out: string[] = [];
      for await (const c of trace({ invoke: () => chunks(['a', ' b']), stream: { accumulator: () => broken } })) out.push(c.text);
      expect(out).toEqual(['a', ' b']);
      expect(exporter.getFinishedSpans()).toHaveLength(1);
    });
  });
});
