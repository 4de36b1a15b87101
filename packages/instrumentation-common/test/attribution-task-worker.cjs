// A worker_threads worker for attribution-propagation.test.ts: runs each task message in the carried
// context and posts back the span it started there (its trace, parent and the attribution it would record).
const { parentPort } = require('node:worker_threads');
const { context } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { TracerProvider } = require('@opentelemetry/sdk-trace');
const { readAttribution, runWithTaskContext } = require('@llm-provenance/instrumentation-common');

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracer = new TracerProvider().getTracer('worker');
parentPort.on('message', (message) => {
  runWithTaskContext(message, async (payload) => {
    await Promise.resolve();
    const span = tracer.startSpan('work');
    parentPort.postMessage({
      payload,
      traceId: span.spanContext().traceId,
      parentSpanId: span.parentSpanContext && span.parentSpanContext.spanId,
      attribution: readAttribution(),
    });
    span.end();
    parentPort.close();
  });
});
