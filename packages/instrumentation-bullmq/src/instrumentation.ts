import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
  type InstrumentationConfig,
  type InstrumentationModuleDefinition,
} from '@opentelemetry/instrumentation';
import { readAttribution, setAttribution } from '@llm-provenance/instrumentation-common';
import {
  ATTR_BULLMQ_JOB_ATTEMPT,
  ATTR_BULLMQ_JOB_NAME,
  ATTR_BULLMQ_JOB_OUTCOME,
  ATTR_BULLMQ_JOB_QUEUE_WAIT_MS,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  BULLMQ_JOB_OUTCOME_COMPLETED,
  BULLMQ_JOB_OUTCOME_FAILED,
  MESSAGING_SYSTEM_BULLMQ,
} from '@llm-provenance/semantic-conventions';
import { contextFromMetadata, jobMetadata } from './job-metadata.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

/** The fields of a BullMQ Job this instrumentation reads. */
export interface BullMQJob {
  id?: string;
  name: string;
  data: unknown;
  timestamp: number;
  processedOn?: number;
  attemptsMade: number;
  attemptsStarted?: number;
  opts: { delay?: number; telemetry?: { metadata?: string; omitContext?: boolean } };
}

/** The fields of a BullMQ Worker this instrumentation reads. */
export interface BullMQWorker {
  id: string;
  name: string;
  opts: { name?: string; telemetry?: unknown };
}

export interface BullMQInstrumentationConfig extends InstrumentationConfig {
  /** The task id a job's processor runs under. Default: the job's id. */
  taskId?: (job: BullMQJob) => string | undefined;
  /** The worker id a job's processor runs under. Default: the Worker's `name` option, else its generated `id`. */
  workerId?: (worker: BullMQWorker) => string | undefined;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Fields = Record<string, unknown>;
interface QueueLike {
  name: string;
  opts?: { telemetry?: unknown };
}
interface JobOpts {
  telemetry?: { metadata?: string; omitContext?: boolean };
  [key: string]: unknown;
}
interface BulkJob {
  name: string;
  data: unknown;
  opts?: JobOpts;
}

/**
 * Traces BullMQ: a PRODUCER span per `Queue.add` / `Queue.addBulk`, a CONSUMER span per attempt of a
 * job (around the Worker's processor), the producer's trace and attribution carried in the job, and
 * the job's task id and the worker's id as attribution on every span the processor creates. See the README.
 *
 * A Queue or Worker given BullMQ's own `telemetry` option (bullmq-otel) already has its spans: then this
 * instrumentation adds no span of its own there, only the attribution and, on BullMQ's process span,
 * the attempt, queue wait and outcome.
 */
export class BullMQInstrumentation extends InstrumentationBase<BullMQInstrumentationConfig> {
  constructor(config: BullMQInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'bullmq',
        [SUPPORTED_VERSIONS.bullmq],
        (exports: Fields) => {
          this.patch(exports?.Queue, 'add', (original) => this.patchedAdd(original));
          this.patch(exports?.Queue, 'addBulk', (original) => this.patchedAddBulk(original));
          this.patch(exports?.Worker, 'callProcessJob', (original) => this.patchedCallProcessJob(original));
          return exports;
        },
        (exports: Fields | undefined) => {
          this.unpatch(exports?.Queue, 'add');
          this.unpatch(exports?.Queue, 'addBulk');
          this.unpatch(exports?.Worker, 'callProcessJob');
        },
      ),
    ];
  }

  private patch(ctor: unknown, method: string, factory: (original: AnyFunction) => AnyFunction): void {
    this.guard(`patching ${method}`, () => {
      const proto = (ctor as { prototype?: Fields } | undefined)?.prototype;
      if (!proto || typeof proto[method] !== 'function') {
        return this._diag.warn(`bullmq has no ${method}; that part is not traced`);
      }
      if (isWrapped(proto[method])) this._unwrap(proto, method);
      this._wrap(proto, method, (original) => factory(original as AnyFunction));
    });
  }

  private unpatch(ctor: unknown, method: string): void {
    const proto = (ctor as { prototype?: Fields } | undefined)?.prototype;
    if (proto && isWrapped(proto[method])) this._unwrap(proto, method);
  }

  /** `queue.add(name, data, opts)`. */
  private patchedAdd(original: AnyFunction): AnyFunction {
    return withReceiver((self, args) => {
      const queue = self as QueueLike;
      if (!this.isEnabled() || queue?.opts?.telemetry) return original.apply(self, args);
      const started = this.guard('starting a BullMQ add span', () => {
        const span = this.startProducer(queue, 'add', { [ATTR_BULLMQ_JOB_NAME]: String(args[0]) });
        const ctx = trace.setSpan(context.active(), span);
        args[2] = withMetadata(args[2] as JobOpts | undefined, ctx);
        return { span, ctx };
      });
      if (!started) return original.apply(self, args);
      return this.settle(
        started.span,
        () => context.with(started.ctx, () => original.apply(self, args)),
        (job) => {
          const id = (job as { id?: unknown } | undefined)?.id;
          if (typeof id === 'string') started.span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, id);
        },
      );
    });
  }

  /** `queue.addBulk(jobs)`: one span for the batch, its context in every job. */
  private patchedAddBulk(original: AnyFunction): AnyFunction {
    return withReceiver((self, args) => {
      const queue = self as QueueLike;
      if (!this.isEnabled() || queue?.opts?.telemetry || !Array.isArray(args[0])) return original.apply(self, args);
      const jobs = args[0] as BulkJob[];
      const started = this.guard('starting a BullMQ addBulk span', () => {
        const span = this.startProducer(queue, 'addBulk', { [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: jobs.length });
        const ctx = trace.setSpan(context.active(), span);
        args[0] = jobs.map((job) => (job && typeof job === 'object' ? { ...job, opts: withMetadata(job.opts, ctx) } : job));
        return { span, ctx };
      });
      if (!started) return original.apply(self, args);
      return this.settle(started.span, () => context.with(started.ctx, () => original.apply(self, args)));
    });
  }

  /** `worker.callProcessJob(job, token, signal)`: where BullMQ calls the user's processor, once per attempt. */
  private patchedCallProcessJob(original: AnyFunction): AnyFunction {
    return withReceiver((self, args) => {
      if (!this.isEnabled()) return original.apply(self, args);
      const worker = self as BullMQWorker;
      const job = args[0] as BullMQJob;
      const started = this.guard('starting a BullMQ process span', () => this.startConsumer(worker, job));
      if (!started) return original.apply(self, args);
      const { span, ctx } = started;
      return this.settle(
        span,
        () => context.with(ctx, () => original.apply(self, args)),
        () => span.setAttribute(ATTR_BULLMQ_JOB_OUTCOME, BULLMQ_JOB_OUTCOME_COMPLETED),
        () => span.setAttribute(ATTR_BULLMQ_JOB_OUTCOME, BULLMQ_JOB_OUTCOME_FAILED),
        // BullMQ's own process span (its `telemetry` option) is ended by BullMQ.
        !!worker.opts?.telemetry,
      );
    });
  }

  private startProducer(queue: QueueLike, operation: string, extra: Attributes): Span {
    const attributes: Attributes = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_BULLMQ,
      [ATTR_MESSAGING_DESTINATION_NAME]: queue.name,
      [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
      [ATTR_MESSAGING_OPERATION_NAME]: operation,
      ...extra,
    };
    // Span name per the messaging conventions: `{operation name} {destination}`.
    return this.tracer.startSpan(`${operation} ${queue.name}`, { kind: SpanKind.PRODUCER, attributes });
  }

  /** The CONSUMER span of one attempt (or BullMQ's own, when the worker has `telemetry`) and the context the processor runs in. */
  private startConsumer(worker: BullMQWorker, job: BullMQJob): { span: Span; ctx: Context } {
    const config = this.getConfig();
    const ownTelemetry = !!worker.opts?.telemetry;
    // With BullMQ's telemetry its process span is active and already continues the producer's trace.
    let ctx = contextFromMetadata(context.active(), job.opts?.telemetry?.metadata, !ownTelemetry);
    ctx = setAttribution(ctx, {
      taskId: nonEmpty(config.taskId ? config.taskId(job) : job.id),
      workerId: nonEmpty(config.workerId ? config.workerId(worker) : (worker.opts?.name ?? worker.id)),
    });
    const attempt = job.attemptsStarted && job.attemptsStarted > 0 ? job.attemptsStarted : job.attemptsMade + 1;
    const attributes: Attributes = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_BULLMQ,
      [ATTR_MESSAGING_DESTINATION_NAME]: worker.name,
      [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
      [ATTR_MESSAGING_OPERATION_NAME]: 'process',
      [ATTR_BULLMQ_JOB_NAME]: job.name,
      [ATTR_BULLMQ_JOB_ATTEMPT]: attempt,
      ...readAttribution(ctx),
    };
    if (typeof job.id === 'string') attributes[ATTR_MESSAGING_MESSAGE_ID] = job.id;
    if (typeof job.processedOn === 'number') {
      attributes[ATTR_BULLMQ_JOB_QUEUE_WAIT_MS] = Math.max(0, job.processedOn - job.timestamp - (job.opts?.delay ?? 0));
    }
    const active = ownTelemetry ? trace.getSpan(ctx) : undefined;
    if (active) {
      active.setAttributes(attributes);
      return { span: active, ctx };
    }
    const span = this.tracer.startSpan(`process ${worker.name}`, { kind: SpanKind.CONSUMER, attributes }, ctx);
    return { span, ctx: trace.setSpan(ctx, span) };
  }

  /**
   * Runs `call`, ends `span` when its promise settles (failure recorded), and returns the caller's own
   * promise or error unchanged. `keepOpen`: the span is someone else's to end.
   */
  private settle(span: Span, call: () => unknown, onValue?: (value: unknown) => void, onError?: () => void, keepOpen = false): unknown {
    const fail = (err: unknown): void => {
      this.guard('ending a BullMQ span', () => {
        onError?.();
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        if (!keepOpen) span.end();
      });
    };
    let result: unknown;
    try {
      result = call();
    } catch (err) {
      fail(err);
      throw err;
    }
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(
        (value) =>
          this.guard('ending a BullMQ span', () => {
            onValue?.(value);
            if (!keepOpen) span.end();
          }),
        fail,
      );
    } else {
      this.guard('ending a BullMQ span', () => {
        onValue?.(result);
        if (!keepOpen) span.end();
      });
    }
    return result;
  }

  private guard<T>(where: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this._diag.warn(`${where} failed; the call goes on untraced`, err);
      return undefined;
    }
  }
}

/** Job options with the metadata of `ctx`, unless the caller set metadata or `omitContext` itself. */
function withMetadata(opts: JobOpts | undefined, ctx: Context): JobOpts {
  if (opts?.telemetry?.metadata !== undefined || opts?.telemetry?.omitContext) return opts ?? {};
  return { ...opts, telemetry: { ...opts?.telemetry, metadata: jobMetadata(ctx) } };
}

/** A function whose receiver (the BullMQ object) is passed to `body` as `self`, beside its arguments. */
function withReceiver(body: (self: unknown, args: unknown[]) => unknown): AnyFunction {
  return function patched(this: unknown, ...args: unknown[]): unknown {
    return body(this, args);
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
