import { afterEach, describe, expect, it } from 'vitest';
import { context, createContextKey, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  fingerprintCredential,
  GenAIInstrumentationBase,
  type GenAIBackend,
  type GenAIRequest,
  type ModulePatch,
  type TracedMethod,
} from '@llm-provenance/instrumentation-common';

// A small callback-style SDK: `complete(body, callback)` answers through a node-style callback on a
// later turn of the event loop, and returns a handle of its own (which the caller must get unchanged).
interface Completion {
  id: string;
  model: string;
  text: string;
  tokens: { in: number; out: number };
}
type Callback = (err: Error | null, value?: Completion) => void;

class AcmeClient {
  constructor(readonly apiKey: string) {}

  complete(body: { model: string; prompt: string; fail?: boolean }, callback: Callback): { handle: number } {
    setImmediate(() => {
      if (body.fail) callback(Object.assign(new Error(`overloaded (key ${this.apiKey})`), { status: 503 }));
      else callback(null, { id: 'cmpl-1', model: `${body.model}-001`, text: `echo ${body.prompt}`, tokens: { in: 3, out: 2 } });
    });
    return { handle: 7 };
  }
}

const COMPLETE: TracedMethod<AcmeClient> = {
  request: (client, args): GenAIRequest => {
    const body = args[0] as { model: string; prompt: string };
    return {
      operationName: 'text_completion',
      providerName: 'acme',
      requestModel: body.model,
      baseUrl: 'http://127.0.0.1:9/v1',
      credential: client.apiKey,
      content: { inputMessages: [{ role: 'user', parts: [{ type: 'text', content: body.prompt }] }] },
    };
  },
  response: (value: Completion) => ({
    id: value.id,
    model: value.model,
    usage: { inputTokens: value.tokens.in, outputTokens: value.tokens.out },
    outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: value.text }], finish_reason: 'stop' }],
  }),
  callback: true,
};

const ACME_MODULE: ModulePatch = {
  module: 'acme-sdk',
  versions: '>=1 <2',
  targets: (exports) => [{ target: exports?.AcmeClient?.prototype, methods: { complete: COMPLETE } }],
};

class AcmeInstrumentation extends GenAIInstrumentationBase {
  static override readonly backend: GenAIBackend = { name: 'acme-instrumentation', version: '0.0.1', modules: [ACME_MODULE] };
}

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
const instrumentation = new AcmeInstrumentation({ enabled: false });
instrumentation.setTracerProvider(provider);
instrumentation.enable();
const [definition] = (instrumentation as any).getModuleDefinitions();
const sdk = { AcmeClient };
definition.patch(sdk, '1.2.0');
// Patched again (e.g. through a second entry file): the method must still be wrapped only once.
definition.patch(sdk, '1.2.0');

const CALLER = createContextKey('caller');

function complete(client: AcmeClient, body: { model: string; prompt: string; fail?: boolean }) {
  return new Promise<{ err: Error | null; value?: Completion; returned: unknown; spansSeen: number; callerValue: unknown; activeSpan: unknown }>((resolve) => {
    const caller = context.active().setValue(CALLER, 'the caller');
    context.with(caller, () => {
      const returned: unknown = client.complete(body, (err, value) =>
        resolve({
          err,
          value,
          returned,
          spansSeen: exporter.getFinishedSpans().length,
          callerValue: context.active().getValue(CALLER),
          activeSpan: trace.getActiveSpan(),
        }),
      );
    });
  });
}

describe('a method declared with callback: true', () => {
  afterEach(() => exporter.reset());

  it("ends the span with the value passed to the callback, which runs after it, unchanged, in the caller's context", async () => {
    const outcome = await complete(new AcmeClient('acme-key-0123456789'), { model: 'acme-1', prompt: 'hi' });
    expect(outcome).toEqual({
      err: null,
      value: { id: 'cmpl-1', model: 'acme-1-001', text: 'echo hi', tokens: { in: 3, out: 2 } },
      returned: { handle: 7 },
      spansSeen: 1,
      callerValue: 'the caller',
      activeSpan: undefined,
    });
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('text_completion acme-1');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'acme',
      'gen_ai.request.model': 'acme-1',
      'server.address': '127.0.0.1',
      'server.port': 9,
      'provenance.credential.fingerprint': fingerprintCredential('acme-key-0123456789'),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]),
      'gen_ai.response.id': 'cmpl-1',
      'gen_ai.response.model': 'acme-1-001',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'echo hi' }], finish_reason: 'stop' }]),
    });
  });

  it('records the error passed to the callback, with the credential scrubbed from its message', async () => {
    const outcome = await complete(new AcmeClient('acme-key-0123456789'), { model: 'acme-1', prompt: 'hi', fail: true });
    expect(outcome.err).toBeInstanceOf(Error);
    expect(outcome.err!.message).toBe('overloaded (key acme-key-0123456789)');
    expect(outcome.spansSeen).toBe(1);
    const [span] = exporter.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'overloaded (key [REDACTED])' });
    expect(span.attributes['error.type']).toBe('503');
    expect(span.attributes['http.response.status_code']).toBe(503);
  });

  it('runs the original call untraced while the instrumentation is disabled', async () => {
    instrumentation.disable();
    try {
      const outcome = await complete(new AcmeClient('k'), { model: 'acme-1', prompt: 'hi' });
      expect(outcome.value?.text).toBe('echo hi');
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      instrumentation.enable();
    }
  });

  it("is restored to the SDK's own method by unpatch", () => {
    const patched = AcmeClient.prototype.complete;
    definition.unpatch(sdk, '1.2.0');
    try {
      expect((AcmeClient.prototype.complete as { __wrapped?: boolean }).__wrapped).toBeUndefined();
      expect(AcmeClient.prototype.complete).not.toBe(patched);
    } finally {
      definition.patch(sdk, '1.2.0');
    }
  });
});
