// The five configurations measured side by side. Each builds the same tracing pipeline (a TracerProvider,
// an ended-span counter, a processor with a queue large enough that nothing is dropped, the OTLP-serialising
// sink) around one instrumentation, with content capture ON, and says where that instrumentation puts the
// prompt and the answer so the worker can check every exported span (or log record) carries them.
// Each configuration's modules are imported only in its own worker process.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { context, diag, DiagConsoleLogger, DiagLogLevel, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { countStoreRecords } from '../store-records.mjs';
import { EmittedLogCounter, EndedSpanCounter, OtlpLogSink, OtlpSpanSink } from './sinks.mjs';
import { PLAIN_TEXT, STREAM_TEXT, USER_TEXT } from './transport.mjs';

/**
 * Batch settings for every processor (spans and logs): a queue far larger than one block of calls, so no
 * configuration drops anything (checked), and the SDK's default batch size. Exports happen at the
 * forceFlush that closes each measured block, inside the measured window.
 * https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-span-processor
 */
export const BATCH_SETTINGS = { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000 };

const stringIncludes = (value, text) => typeof value === 'string' && value.includes(text);

/** For instrumentations that put content on the span: both attributes present and holding this call's text. */
const contentAttributes = (inputKey, outputKey) => (expectedOutput) => (span) =>
  stringIncludes(span.attributes[inputKey], USER_TEXT) && stringIncludes(span.attributes[outputKey], expectedOutput);

/**
 * A tracer provider for one configuration. The provider is registered globally (as an app's SDK does: the
 * AsyncLocalStorage context manager, the propagator) AND handed to the instrumentation with
 * setTracerProvider, so a second copy of @opentelemetry/api in a peer could not leave it with a no-op tracer
 * (the worker's span counts would catch that anyway).
 */
function tracing(hasContent, makeProcessor) {
  const ended = new EndedSpanCounter();
  const sink = new OtlpSpanSink(hasContent);
  const processor = makeProcessor(sink);
  const provider = new TracerProvider({ spanProcessors: [ended, processor] });
  // What NodeTracerProvider.register() did: AsyncLocalStorage context and the global provider.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return { provider, ended, sink };
}

/**
 * Hands the providers to the instrumentation as registerInstrumentations() does: the tracer provider, and
 * the API's global meter provider (a no-op: no configuration's metrics are collected; without this call
 * @opentelemetry/instrumentation-openai has no histograms to record into and reports an error per call).
 */
function attach(instrumentation, provider) {
  instrumentation.setTracerProvider(provider);
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  return instrumentation;
}

const batchProcessor = (sink) => new BatchSpanProcessor({ exporter: sink, ...BATCH_SETTINGS });

/**
 * Each entry: `id`, `label`, `peer` (a peer project, or llm-provenance), `packageName` (whose version the
 * report prints), and `create({ stream })`, which returns the instrumentation, the pipeline and the checks.
 * `create` runs BEFORE the worker requires `openai`, so the instrumentation's require hook patches it.
 */
export const CONFIGURATIONS = [
  {
    id: 'otel-contrib',
    label: '@opentelemetry/instrumentation-openai (OpenTelemetry contrib)',
    peer: true,
    packageName: '@opentelemetry/instrumentation-openai',
    async create({ stream }) {
      const { OpenAIInstrumentation } = await import('@opentelemetry/instrumentation-openai');
      const { LoggerProvider, BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
      const expected = stream ? STREAM_TEXT : PLAIN_TEXT;
      // Content goes to log events (gen_ai.user.message, gen_ai.choice), not to the span.
      const logKind = (record) => {
        const name = record.attributes?.['event.name'] ?? record.eventName;
        if (name === 'gen_ai.user.message' && stringIncludes(record.body?.content, USER_TEXT)) return 'input';
        if (name === 'gen_ai.choice' && stringIncludes(record.body?.message?.content, expected)) return 'output';
        return undefined;
      };
      const { provider, ended, sink } = tracing(() => false, batchProcessor);
      const emitted = new EmittedLogCounter();
      const logSink = new OtlpLogSink(logKind);
      const loggerProvider = new LoggerProvider({ processors: [emitted, new BatchLogRecordProcessor({ exporter: logSink, ...BATCH_SETTINGS })] });
      const instrumentation = attach(new OpenAIInstrumentation({ captureMessageContent: true }), provider);
      instrumentation.setLoggerProvider(loggerProvider);
      return {
        instrumentation,
        contentOn: 'logs',
        counts: () => ({
          ended: ended.ended,
          exported: sink.exported,
          withContent: 0,
          bytes: sink.bytes,
          logsEmitted: emitted.emitted,
          logsExported: logSink.exported,
          logsWithInput: logSink.withInput,
          logsWithOutput: logSink.withOutput,
          logBytes: logSink.bytes,
        }),
        flush: () => Promise.all([provider.forceFlush(), loggerProvider.forceFlush()]),
        shutdown: () => Promise.all([provider.shutdown(), loggerProvider.shutdown()]),
      };
    },
  },
  {
    id: 'openllmetry',
    label: '@traceloop/instrumentation-openai (openllmetry-js)',
    peer: true,
    packageName: '@traceloop/instrumentation-openai',
    async create({ stream }) {
      const { OpenAIInstrumentation } = await import('@traceloop/instrumentation-openai');
      const hasContent = contentAttributes('gen_ai.input.messages', 'gen_ai.output.messages')(stream ? STREAM_TEXT : PLAIN_TEXT);
      const { provider, ended, sink } = tracing(hasContent, batchProcessor);
      const instrumentation = attach(new OpenAIInstrumentation({ traceContent: true }), provider);
      return spanPipeline(instrumentation, provider, ended, sink);
    },
  },
  {
    id: 'openinference',
    label: '@arizeai/openinference-instrumentation-openai (openinference-js)',
    peer: true,
    packageName: '@arizeai/openinference-instrumentation-openai',
    async create({ stream }) {
      const { OpenAIInstrumentation } = await import('@arizeai/openinference-instrumentation-openai');
      // OpenInference conventions: llm.input_messages.<i>.message.content / llm.output_messages.<i>.message.content.
      const hasContent = contentAttributes('llm.input_messages.1.message.content', 'llm.output_messages.0.message.content')(stream ? STREAM_TEXT : PLAIN_TEXT);
      const { provider, ended, sink } = tracing(hasContent, batchProcessor);
      const instrumentation = attach(new OpenAIInstrumentation(), provider);
      return spanPipeline(instrumentation, provider, ended, sink);
    },
  },
  {
    id: 'llmp-store-off',
    label: 'llm-provenance, store off (BatchSpanProcessor)',
    peer: false,
    packageName: '@llm-provenance/instrumentation-openai',
    async create({ stream }) {
      const { OpenAIInstrumentation } = await import('@llm-provenance/instrumentation-openai');
      const hasContent = contentAttributes('gen_ai.input.messages', 'gen_ai.output.messages')(stream ? STREAM_TEXT : PLAIN_TEXT);
      const { provider, ended, sink } = tracing(hasContent, batchProcessor);
      const instrumentation = attach(new OpenAIInstrumentation({ captureMessageContent: true }), provider);
      return spanPipeline(instrumentation, provider, ended, sink);
    },
  },
  {
    id: 'llmp-store-on',
    label: 'llm-provenance, store on (CidSpanProcessor -> CidSpanExporter)',
    peer: false,
    packageName: '@llm-provenance/cid-exporter',
    async create({ stream }) {
      const { OpenAIInstrumentation } = await import('@llm-provenance/instrumentation-openai');
      const { CidSpanExporter, CidSpanProcessor, verifyStore } = await import('@llm-provenance/cid-exporter');
      const hasContent = contentAttributes('gen_ai.input.messages', 'gen_ai.output.messages')(stream ? STREAM_TEXT : PLAIN_TEXT);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-store-'));
      // A real store (fdatasync per batch), forwarding every stored span, content kept, to the same sink.
      const { provider, ended, sink } = tracing(
        hasContent,
        (downstream) => new CidSpanProcessor(new CidSpanExporter({ dir, durability: 'batch', forwardTo: [downstream], forwardContent: true }), BATCH_SETTINGS),
      );
      const instrumentation = attach(new OpenAIInstrumentation({ captureMessageContent: true }), provider);
      return {
        ...spanPipeline(instrumentation, provider, ended, sink),
        /** After shutdown: what the store holds, and whether verify accepts it. */
        async afterShutdown() {
          try {
            const records = countStoreRecords(dir);
            const report = await verifyStore(dir);
            return { storeRecords: records, storeVerified: report.ok === true };
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
        cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];

function spanPipeline(instrumentation, provider, ended, sink) {
  return {
    instrumentation,
    contentOn: 'spans',
    counts: () => ({ ended: ended.ended, exported: sink.exported, withContent: sink.withContent, bytes: sink.bytes }),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Errors from the SDK and the instrumentations reach stderr, where the runner shows them. */
export function reportDiagnostics() {
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
}
