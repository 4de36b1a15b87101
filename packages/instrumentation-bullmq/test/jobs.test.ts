import { createRequire } from 'node:module';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type * as BullMQ from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as support from '@llm-provenance/test-support';
import { HAVE_REDIS_SERVER, startRedisServer, type RedisServer } from '@llm-provenance/test-support';
import { readAttribution, withAttribution } from '@llm-provenance/instrumentation-common';
import { BullMQInstrumentation } from '@llm-provenance/instrumentation-bullmq';

const require = createRequire(import.meta.url);
// Global registration: the trace context carried in a job is injected with the global propagator.
const tracing = support.setupTracing(new BullMQInstrumentation(), { global: true });
const bullmq = require('bullmq') as typeof BullMQ;
const { BullMQOtel } = require('bullmq-otel') as { BullMQOtel: new (name: string) => BullMQ.Telemetry };

const suite = HAVE_REDIS_SERVER ? describe : describe.skip;
const title = HAVE_REDIS_SERVER ? 'BullMQ jobs' : 'BullMQ jobs (skipped: redis-server is not installed)';

suite(title, () => {
  let redis: RedisServer;
  const closers: Array<() => Promise<unknown>> = [];
  let queueNumber = 0;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    tracing.exporter.reset();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const connection = () => ({ host: redis.host, port: redis.port, maxRetriesPerRequest: null });

  function queue(options: Partial<BullMQ.QueueOptions> = {}): BullMQ.Queue {
    const q = new bullmq.Queue(`jobs-${++queueNumber}`, { connection: connection(), ...options });
    closers.push(() => q.close());
    return q;
  }

  /** A worker on `name`; `settled` resolves after `count` jobs completed or failed for good. */
  function worker(
    name: string,
    processor: BullMQ.Processor,
    count: number,
    options: Partial<BullMQ.WorkerOptions> = {},
  ): { worker: BullMQ.Worker; settled: Promise<void> } {
    const w = new bullmq.Worker(name, processor, { connection: connection(), name: 'worker-a', ...options });
    closers.push(() => w.close());
    let seen = 0;
    const settled = new Promise<void>((resolve) => {
      const one = (job: BullMQ.Job | undefined): void => {
        const final = !job || job.finishedOn !== undefined;
        if (final && ++seen === count) resolve();
      };
      w.on('completed', one);
      w.on('failed', one);
    });
    return { worker: w, settled };
  }

  const byKind = (spans: ReadableSpan[], kind: SpanKind) => spans.filter((s) => s.kind === kind);

  it('records a PRODUCER span at add and a CONSUMER span that continues its trace, with task and worker attribution inside the processor', async () => {
    const q = queue();
    const seen: unknown[] = [];
    const { settled } = worker(
      q.name,
      async () => {
        seen.push(readAttribution());
        return 'done';
      },
      1,
    );
    const job = await withAttribution({ userId: 'alice' }, () => q.add('summarise', { text: 'hi' }));
    await settled;
    const spans = await support.waitForSpans(tracing.exporter, 2);
    const [producer] = byKind(spans, SpanKind.PRODUCER);
    const [consumer] = byKind(spans, SpanKind.CONSUMER);
    expect(producer.name).toBe(`add ${q.name}`);
    expect(producer.attributes).toEqual({
      'messaging.system': 'bullmq',
      'messaging.destination.name': q.name,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'add',
      'messaging.message.id': job.id,
      'bullmq.job.name': 'summarise',
    });
    expect(consumer.name).toBe(`process ${q.name}`);
    const { 'bullmq.job.queue_wait_ms': waitMs, ...rest } = consumer.attributes;
    expect(rest).toEqual({
      'messaging.system': 'bullmq',
      'messaging.destination.name': q.name,
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': job.id,
      'bullmq.job.name': 'summarise',
      'bullmq.job.attempt': 1,
      'bullmq.job.outcome': 'completed',
      'enduser.id': 'alice',
      'provenance.task.id': job.id,
      'provenance.worker.id': 'worker-a',
    });
    expect(typeof waitMs === 'number' && waitMs >= 0).toBe(true);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(seen).toEqual([{ 'enduser.id': 'alice', 'provenance.task.id': job.id, 'provenance.worker.id': 'worker-a' }]);
  });

  it('records one CONSUMER span per attempt, the failed one with its error', async () => {
    const q = queue();
    let calls = 0;
    const { settled } = worker(
      q.name,
      async () => {
        if (++calls === 1) throw new Error('backend unavailable');
        return 'ok';
      },
      1,
    );
    await q.add('flaky', {}, { attempts: 2 });
    await settled;
    const spans = await support.waitForSpans(tracing.exporter, 3);
    const consumers = byKind(spans, SpanKind.CONSUMER).sort(
      (a, b) => (a.attributes['bullmq.job.attempt'] as number) - (b.attributes['bullmq.job.attempt'] as number),
    );
    expect(consumers.map((s) => [s.attributes['bullmq.job.attempt'], s.attributes['bullmq.job.outcome'], s.status])).toEqual([
      [1, 'failed', { code: SpanStatusCode.ERROR, message: 'backend unavailable' }],
      [2, 'completed', { code: SpanStatusCode.UNSET }],
    ]);
    expect(consumers[0].events.map((e) => [e.name, e.attributes?.['exception.message']])).toEqual([['exception', 'backend unavailable']]);
  });

  it('records one PRODUCER span for addBulk, parent of every job it added', async () => {
    const q = queue();
    const { settled } = worker(q.name, async (job) => job.name, 2);
    const jobs = await q.addBulk([
      { name: 'a', data: {} },
      { name: 'b', data: {} },
    ]);
    await settled;
    const spans = await support.waitForSpans(tracing.exporter, 3);
    const [producer] = byKind(spans, SpanKind.PRODUCER);
    expect(producer.attributes).toEqual({
      'messaging.system': 'bullmq',
      'messaging.destination.name': q.name,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'addBulk',
      'messaging.batch.message_count': 2,
    });
    const consumers = byKind(spans, SpanKind.CONSUMER);
    expect(consumers.map((s) => s.attributes['messaging.message.id']).sort()).toEqual(jobs.map((j) => j.id).sort());
    for (const consumer of consumers) expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
  });

  it('takes the task id from the taskId option, e.g. a field of the job data', async () => {
    tracing.instrumentation.setConfig({ taskId: (job) => (job.data as { taskId?: string }).taskId });
    try {
      const q = queue();
      const seen: unknown[] = [];
      const { settled } = worker(q.name, async () => void seen.push(readAttribution()), 1);
      await q.add('t', { taskId: 'task-42' });
      await settled;
      expect(seen).toEqual([{ 'provenance.task.id': 'task-42', 'provenance.worker.id': 'worker-a' }]);
    } finally {
      tracing.instrumentation.setConfig({});
    }
  });

  it('reads only bounded, documented attribution from a job: oversized or malformed metadata never breaks the job', async () => {
    const q = queue();
    const seen: unknown[] = [];
    const { settled } = worker(q.name, async () => void seen.push(readAttribution()), 3);
    const forged = JSON.stringify({
      'llm-provenance-attribution': { userId: 'x'.repeat(257), routeReason: 'cheapest', 'provenance.secret': 'forged', taskId: 'forged-task' },
    });
    const [a, b, c] = [
      await q.add('forged', {}, { telemetry: { metadata: forged } }),
      await q.add('not-json', {}, { telemetry: { metadata: '{not json' } }),
      await q.add('huge', {}, { telemetry: { metadata: JSON.stringify({ pad: 'y'.repeat(9000), 'llm-provenance-attribution': { userId: 'mallory' } }) } }),
    ];
    await settled;
    const spans = await support.waitForSpans(tracing.exporter, 6);
    const consumers = byKind(spans, SpanKind.CONSUMER);
    // The caller's own metadata was kept, so no PRODUCER span is their parent: each attempt starts its own trace.
    expect(consumers.map((s) => s.parentSpanContext)).toEqual([undefined, undefined, undefined]);
    expect(seen).toEqual(
      expect.arrayContaining([
        { 'provenance.route.reason': 'cheapest', 'provenance.task.id': a.id, 'provenance.worker.id': 'worker-a' },
        { 'provenance.task.id': b.id, 'provenance.worker.id': 'worker-a' },
        { 'provenance.task.id': c.id, 'provenance.worker.id': 'worker-a' },
      ]),
    );
    expect(seen).toHaveLength(3);
  });

  it('adds no span of its own when the Queue and Worker have BullMQ telemetry, and still gives the processor its attribution', async () => {
    const telemetry = new BullMQOtel('bullmq-test');
    const q = queue({ telemetry });
    const seen: unknown[] = [];
    let processSpanId: string | undefined;
    const { settled } = worker(
      q.name,
      async () => {
        seen.push(readAttribution());
        processSpanId = trace.getActiveSpan()?.spanContext().spanId;
      },
      1,
      { telemetry },
    );
    const job = await q.add('t', {});
    await settled;
    await q.close();
    const spans = tracing.exporter.getFinishedSpans();
    const ours = spans.filter((s) => s.instrumentationScope.name === '@llm-provenance/instrumentation-bullmq');
    expect(ours).toEqual([]);
    const processSpans = spans.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(processSpans).toHaveLength(1);
    expect(processSpans[0].spanContext().spanId).toBe(processSpanId);
    expect(processSpans[0].attributes).toMatchObject({
      'bullmq.job.attempt': 1,
      'bullmq.job.outcome': 'completed',
      'provenance.task.id': job.id,
      'provenance.worker.id': 'worker-a',
    });
    expect(seen).toEqual([{ 'provenance.task.id': job.id, 'provenance.worker.id': 'worker-a' }]);
  });
});
