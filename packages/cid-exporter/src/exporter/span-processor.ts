/**
 * CidSpanProcessor: batches ended spans into a CidSpanExporter like the SDK's BatchSpanProcessor does
 * (same OTEL_BSP_* settings), and adds what a BatchSpanProcessor cannot: flushSync(), for a
 * `process.on('exit')` handler, which puts every ended span into the store synchronously.
 * Accounting is exact because a batch handed to the exporter is encoded and queued in the store at once
 * (CidSpanExporter.export appends synchronously): at exit the spans still buffered here are appended by
 * flushSync, and the store's closeSync writes every queued append whose write had not completed.
 * Interface followed: https://open-telemetry.github.io/opentelemetry-js/interfaces/_opentelemetry_sdk-trace-base.SpanProcessor.html
 * Settings: https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-span-processor
 */
import { context, diag, TraceFlags, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { CidSpanExporter } from './exporter.js';

export interface CidSpanProcessorOptions {
  /** Longest time an ended span waits before its batch is exported. Default OTEL_BSP_SCHEDULE_DELAY or 5000 ms. */
  scheduledDelayMillis?: number;
  /** Spans buffered at most; more are dropped (with a warning). Default OTEL_BSP_MAX_QUEUE_SIZE or 2048. */
  maxQueueSize?: number;
  /** Spans per export at most. Default OTEL_BSP_MAX_EXPORT_BATCH_SIZE or 512 (capped at maxQueueSize). */
  maxExportBatchSize?: number;
  /** How long forceFlush/shutdown wait for one export. Default OTEL_BSP_EXPORT_TIMEOUT or 30000 ms. */
  exportTimeoutMillis?: number;
}

function envPositiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  diag.warn(`CidSpanProcessor: ${name} must be a positive integer, got ${JSON.stringify(raw)}; using ${fallback}`);
  return fallback;
}

function checkPositiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`CidSpanProcessor: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

export class CidSpanProcessor implements SpanProcessor {
  private readonly exporter: CidSpanExporter;
  private readonly scheduledDelayMillis: number;
  private readonly maxQueueSize: number;
  private readonly maxExportBatchSize: number;
  private readonly exportTimeoutMillis: number;
  private buffer: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Batches taken from the buffer that wait for resource detection before their export. */
  private readonly awaitingResource = new Set<ReadableSpan[]>();
  private dropped = 0;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(exporter: CidSpanExporter, options: CidSpanProcessorOptions = {}) {
    this.exporter = exporter;
    this.scheduledDelayMillis = checkPositiveInt('scheduledDelayMillis', options.scheduledDelayMillis ?? envPositiveInt('OTEL_BSP_SCHEDULE_DELAY', 5000));
    this.maxQueueSize = checkPositiveInt('maxQueueSize', options.maxQueueSize ?? envPositiveInt('OTEL_BSP_MAX_QUEUE_SIZE', 2048));
    const batch = checkPositiveInt('maxExportBatchSize', options.maxExportBatchSize ?? envPositiveInt('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512));
    // Same rule as the BatchSpanProcessor: a batch never exceeds the queue.
    this.maxExportBatchSize = Math.min(batch, this.maxQueueSize);
    this.exportTimeoutMillis = checkPositiveInt('exportTimeoutMillis', options.exportTimeoutMillis ?? envPositiveInt('OTEL_BSP_EXPORT_TIMEOUT', 30000));
  }

  /** Ended spans buffered here, not yet handed to the exporter. */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped) return;
    // Unsampled spans are not exported, as with the BatchSpanProcessor.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.buffer.length >= this.maxQueueSize) {
      if (this.dropped++ === 0) diag.warn(`CidSpanProcessor: queue full (${this.maxQueueSize} spans), dropping spans`);
      return;
    }
    this.buffer.push(span);
    if (this.buffer.length >= this.maxExportBatchSize) this.exportBuffered(false);
    else this.timer ??= this.startTimer();
  }

  private startTimer(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timer = undefined;
      this.exportBuffered(true);
    }, this.scheduledDelayMillis);
    // Like the BatchSpanProcessor: a pending batch does not keep the process alive (beforeExit flushes it).
    timer.unref();
    return timer;
  }

  /**
   * Hands full batches (or, with `all`, everything buffered) to the exporter; the store encodes and queues
   * each batch synchronously inside export(), which is what lets flushSync() account for it exactly.
   */
  private exportBuffered(all: boolean): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.buffer.length > 0 && (all || this.buffer.length >= this.maxExportBatchSize)) {
      const batch = this.buffer.splice(0, this.maxExportBatchSize);
      const done = this.exportWhenResourceSettled(batch);
      this.inFlight.add(done);
      void done.then(() => this.inFlight.delete(done));
    }
    if (this.buffer.length > 0) this.timer = this.startTimer();
  }

  /**
   * Like the BatchSpanProcessor, waits for resource attributes still being detected (e.g. host.id) before
   * exporting. Meanwhile the batch is in `awaitingResource`, where flushSync() finds it.
   */
  private async exportWhenResourceSettled(batch: ReadableSpan[]): Promise<void> {
    const pending = batch.filter((span) => span.resource.asyncAttributesPending);
    if (pending.length > 0) {
      this.awaitingResource.add(batch);
      try {
        await Promise.all(pending.map((span) => span.resource.waitForAsyncAttributes?.()));
      } catch (error) {
        diag.error(`CidSpanProcessor: resource detection failed: ${(error as Error).message}`);
      }
      // flushSync() stored it meanwhile.
      if (!this.awaitingResource.delete(batch)) return;
    }
    await new Promise<void>((resolve) => {
      // Suppressed so a forwarding exporter's own HTTP calls are not traced (as the BatchSpanProcessor does).
      context.with(suppressTracing(context.active()), () => {
        this.exporter.export(batch, (result) => {
          if (result.error) diag.error(`CidSpanProcessor: export failed: ${result.error.message}`);
          resolve();
        });
      });
    });
  }

  async forceFlush(): Promise<void> {
    this.exportBuffered(true);
    await this.withTimeout(Promise.all([...this.inFlight]).then(() => undefined));
    await this.exporter.forceFlush();
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      await this.forceFlush();
      this.stopped = true;
      await this.exporter.shutdown();
    })();
    return this.shutdownPromise;
  }

  /**
   * For a `process.on('exit')` handler: every span that has ENDED reaches the store now, synchronously:
   * the buffered ones are appended, every batch whose store write had not completed is written, all of it
   * fsynced, a final signed checkpoint written and the store's lock removed. Spans not yet forwarded
   * (e.g. to OTLP) are in the store only: forwarding cannot happen synchronously. A span still open is not
   * recorded. A span whose resource attributes are still being detected is stored with those detected so
   * far (the SDK then logs "Accessing resource attributes before async attributes settled"). Tracing stops: spans ending later are ignored. Returns how many spans it appended.
   */
  flushSync(): number {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Batches still waiting for resource detection are stored with the attributes detected so far.
    const spans = [...this.awaitingResource].flat().concat(this.buffer);
    this.awaitingResource.clear();
    this.buffer = [];
    const outcomes = this.exporter.storeSpansAndCloseSync(spans);
    const failed = outcomes.filter((o) => o.error);
    if (failed.length > 0) diag.error(`CidSpanProcessor: ${failed.length} of ${spans.length} spans could not be stored at exit: ${failed[0]!.error!.message}`);
    return spans.length;
  }

  private withTimeout(promise: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        diag.error(`CidSpanProcessor: export did not finish within ${this.exportTimeoutMillis} ms`);
        resolve();
      }, this.exportTimeoutMillis);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}
