/**
 * CidSpanProcessor: batches ended spans into a CidSpanExporter like the SDK's BatchSpanProcessor (same
 * OTEL_BSP_* settings), with back-pressure from the store, and flushSync() for a `process.on('exit')`
 * handler.
 *
 * - At most `maxQueueSize` spans are held: buffered here, or handed to an export that has not completed
 *   (stored and forwarded). Spans ending beyond that are dropped and counted; the count goes into the
 *   store as a `dropped` record (FORMAT.md 3.4) with the next batch stored, and the change between
 *   accepting and dropping is reported once each way through diag.
 * - Batches of at most `maxExportBatchSize` spans. When spans are forwarded, one store write at a time:
 *   the next batch is handed over when the previous one's store write has completed (a forwarded span
 *   carries its record's CID, so it waits until that record is durable). When nothing is forwarded, a
 *   batch is handed over (encoded and queued in the store) as soon as it is full, and its spans are let go
 *   then: a batch waiting for the disk holds its encoded bytes only. Its records still count toward
 *   `maxQueueSize` until written, so a slow disk slows the batches, not memory. Such batches are handed
 *   over every {@link RELEASED_BATCH_SIZE} spans (or `maxExportBatchSize` if smaller): a span then lives
 *   for a few milliseconds, not for the time 512 calls take, so under a burst spans die in V8's young
 *   generation instead of being promoted and filling the old one; the store merges the small appends
 *   queued behind a write into one write and fdatasync per file.
 * - flushSync() is exact because a batch handed to the exporter is encoded and queued in the store at
 *   once (CidSpanExporter.exportBatch appends synchronously): at exit the spans still held here are
 *   appended, and the store's closeSync writes every queued append whose write had not completed.
 * - shutdown() puts the store first and is bounded: every ended span is stored, checkpointed and the
 *   store closed within `storeShutdownTimeoutMillis` (else synchronously), and forwarding gets what is
 *   left of `shutdownBudgetMillis`. A collector that is down costs the app that budget at most, and no record.
 * Interface followed: https://open-telemetry.github.io/opentelemetry-js/interfaces/_opentelemetry_sdk-trace.SpanProcessor.html
 * Settings: https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-span-processor
 */
import { context, diag, TraceFlags, type Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { CidSpanExporter } from './exporter.js';
import { resolveProcessorOptions, type CidSpanProcessorOptions, type ResolvedProcessorOptions } from './processor-options.js';

export type { CidSpanProcessorOptions } from './processor-options.js';

/**
 * Spans per batch when nothing is forwarded (spans are released once encoded). Measured with the bench's
 * burst (20,000 calls, 500 in flight, 4 alternating runs): peak RSS +75 MB over uninstrumented with 64,
 * +173 MB with 512.
 */
const RELEASED_BATCH_SIZE = 64;

export class CidSpanProcessor implements SpanProcessor {
  private readonly options: ResolvedProcessorOptions;
  private buffer: ReadableSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The batch being stored (one at a time) and when its store write completes. */
  private storing: { spans: ReadableSpan[]; dropped: number; handedOver: boolean; written: Promise<void> } | null = null;
  /** Records of batches handed over and released, whose store write has not completed, and those writes. */
  private encodedCount = 0;
  private readonly writing = new Set<Promise<void>>();
  /** Nothing is forwarded: a batch's spans are let go once it is encoded. */
  private readonly releasesEncoded: boolean;
  /** Spans per batch handed over. */
  private readonly batchSize: number;
  /** Spans of batches stored but not yet forwarded, and those exports. */
  private forwardingCount = 0;
  private readonly forwarding = new Set<Promise<void>>();
  /** Spans dropped and not yet in a `dropped` record handed to the store. */
  private dropped = 0;
  /** Spans dropped since the queue last had room (for the diag message when it has room again). */
  private droppedInEpisode = 0;
  private stopped = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    private readonly exporter: CidSpanExporter,
    options: CidSpanProcessorOptions = {},
  ) {
    this.options = resolveProcessorOptions(options);
    this.releasesEncoded = !exporter.forwards;
    this.batchSize = this.releasesEncoded ? Math.min(RELEASED_BATCH_SIZE, this.options.maxExportBatchSize) : this.options.maxExportBatchSize;
  }

  /** Ended spans buffered here, not yet handed to the exporter. */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  /**
   * Spans held: buffered, or handed to an export (store write, then forwarding) that has not completed,
   * as spans or as encoded records waiting for their store write.
   */
  get heldCount(): number {
    return this.buffer.length + (this.storing?.spans.length ?? 0) + this.encodedCount + this.forwardingCount;
  }

  /** Spans dropped because the queue was full, not yet in a `dropped` record handed to the store. */
  get droppedCount(): number {
    return this.dropped;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this.stopped) return;
    // Unsampled spans are not exported, as with the BatchSpanProcessor.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.heldCount >= this.options.maxQueueSize) {
      this.dropped++;
      if (this.droppedInEpisode++ === 0) {
        diag.warn(
          `CidSpanProcessor: queue full (${this.options.maxQueueSize} spans held while the store writes), dropping spans; the count goes into the store`,
        );
      }
      return;
    }
    if (this.droppedInEpisode > 0) {
      diag.warn(`CidSpanProcessor: queue has room again after dropping ${this.droppedInEpisode} spans`);
      this.droppedInEpisode = 0;
    }
    this.buffer.push(span);
    this.schedule();
  }

  /** Hands a full batch over now, or makes sure a timer will (nothing while a store write is in progress). */
  private schedule(): void {
    if (this.storing !== null || this.buffer.length === 0) return;
    if (this.buffer.length >= this.batchSize) {
      this.exportOneBatch();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.storing === null) this.exportOneBatch();
    }, this.options.scheduledDelayMillis);
    // Like the BatchSpanProcessor: a pending batch does not keep the process alive (beforeExit flushes it).
    this.timer.unref();
  }

  /** Takes up to one batch from the buffer and stores it (with the count of spans dropped so far). */
  private exportOneBatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const spans = this.buffer.splice(0, this.batchSize);
    let release!: () => void;
    const batch = { spans, dropped: this.dropped, handedOver: false, written: new Promise<void>((resolve) => (release = resolve)) };
    this.dropped = 0;
    this.storing = batch;
    void this.store(batch)
      .catch((error: Error) => diag.error(`CidSpanProcessor: storing a batch failed: ${error.message}`))
      .finally(() => {
        if (this.storing === batch) this.storing = null;
        release();
        this.schedule();
      });
  }

  private async store(batch: { spans: ReadableSpan[]; dropped: number; handedOver: boolean }): Promise<void> {
    // Like the BatchSpanProcessor, waits for resource attributes still being detected (e.g. host.id).
    const pending = batch.spans.filter((span) => span.resource.asyncAttributesPending);
    if (pending.length > 0) {
      try {
        await Promise.all(pending.map((span) => span.resource.waitForAsyncAttributes?.() ?? Promise.resolve()));
      } catch (error) {
        diag.error(`CidSpanProcessor: resource detection failed: ${(error as Error).message}`);
      }
      // flushSync() stored it meanwhile.
      if (batch.handedOver) return;
    }
    batch.handedOver = true;
    // Suppressed so a forwarding exporter's own HTTP calls are not traced (as the BatchSpanProcessor does).
    const { stored, done } = context.with(suppressTracing(context.active()), () => this.exporter.exportBatch(batch.spans, batch.dropped));
    const count = batch.spans.length;
    if (this.releasesEncoded) {
      // Encoded and queued in the store: the spans are let go, their records stay counted until written,
      // and the next full batch may be encoded behind this one.
      batch.spans = [];
      this.encodedCount += count;
      const written = stored.then(() => {
        this.encodedCount -= count;
        this.writing.delete(written);
      });
      this.writing.add(written);
      if (this.storing === batch) this.storing = null;
      this.schedule();
    }
    const result = await stored;
    // The `dropped` record did not make it: the next batch carries the count.
    if (batch.dropped > 0 && !result.droppedRecorded) this.dropped += batch.dropped;
    if (this.releasesEncoded) return;
    // Stored: the spans stay held until forwarding completes too, but the next batch may be stored.
    this.forwardingCount += count;
    // Failures were reported by the exporter (store) and its forwarder (once per change of state).
    const forwarded: Promise<void> = done.then(() => {
      this.forwardingCount -= count;
      this.forwarding.delete(forwarded);
    });
    this.forwarding.add(forwarded);
  }

  /**
   * Stores every span buffered now, one batch after the other, then waits for their forwarding: the store
   * first (written and fsynced), so a collector that is down delays the forwards only. Bounded by
   * `exportTimeoutMillis`.
   */
  async forceFlush(): Promise<void> {
    await this.withTimeout(
      (async () => {
        await this.storeBuffered();
        await this.exporter.forceFlush();
        await Promise.all([...this.forwarding]);
      })(),
    );
  }

  /**
   * For a signal the app handles itself (it decides when to exit; tracing goes on): every span buffered
   * is stored and a checkpoint written first, then the forwards under way get what is left of
   * `shutdownBudgetMillis`; if they are not done by then that is said once, in one line (they go on).
   */
  async flushStoreFirst(): Promise<void> {
    const started = performance.now();
    await this.storeBuffered();
    await this.exporter.checkpointStore();
    const left = Math.max(0, this.options.shutdownBudgetMillis - (performance.now() - started));
    if (!(await settlesWithin(Promise.all([...this.forwarding]), left))) this.exporter.abandonForwarding(this.options.shutdownBudgetMillis);
  }

  /** Stores every span buffered now, one batch after the other; resolves once their store writes completed. */
  async storeBuffered(): Promise<void> {
    let batches = Math.ceil(this.buffer.length / this.batchSize);
    for (;;) {
      while (this.storing !== null) await this.storing.written;
      if (batches-- <= 0 || this.buffer.length === 0) break;
      this.exportOneBatch();
    }
    await Promise.all([...this.writing]);
  }

  /**
   * Store first, then forwarding, within `shutdownBudgetMillis` in all:
   * 1. Tracing stops (spans ending later are ignored, as by the BatchSpanProcessor). Every span that has
   *    ended is handed to the store now, a final signed checkpoint is written and the store closed (its
   *    lock removed). If that takes longer than `storeShutdownTimeoutMillis`, the store is closed
   *    synchronously (ProvenanceStore.closeSync takes over the writes under way).
   * 2. Forwarding (e.g. to OTLP) gets what is left of the budget. Spans it has not delivered by then are
   *    in the store only; that is said once, in one line, with the store's state. It never rejects.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownStoreFirst();
    return this.shutdownPromise;
  }

  private async shutdownStoreFirst(): Promise<void> {
    const started = performance.now();
    const { storeShutdownTimeoutMillis, shutdownBudgetMillis } = this.options;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    // Like the BatchSpanProcessor, the records get the resource attributes still being detected (host.id)
    // if they come in time; the store's share of the budget bounds the wait.
    await settlesWithin(this.detectedResources(), storeShutdownTimeoutMillis);
    this.handOverEverything();
    const storeLeft = Math.max(0, storeShutdownTimeoutMillis - (performance.now() - started));
    if (!(await settlesWithin(this.exporter.closeStore(), storeLeft))) {
      const error = this.exporter.closeStoreSync();
      diag.warn(
        `CidSpanProcessor: the store did not close within ${storeShutdownTimeoutMillis} ms; closed it synchronously${error ? `, but a write failed: ${error.message}` : ''}`,
      );
    }
    const left = Math.max(0, shutdownBudgetMillis - (performance.now() - started));
    if (!(await settlesWithin(this.exporter.finishForwarding(), left))) this.exporter.abandonForwarding(shutdownBudgetMillis);
  }

  /** Settles once the resources of the spans not yet handed over have their detected attributes. */
  private async detectedResources(): Promise<void> {
    const waiting = this.storing !== null && !this.storing.handedOver ? this.storing.spans : [];
    const resources = new Set([...waiting, ...this.buffer].map((span) => span.resource).filter((resource) => resource.asyncAttributesPending));
    await Promise.all([...resources].map((resource) => resource.waitForAsyncAttributes?.() ?? Promise.resolve()));
  }

  /**
   * Hands every ended span to the exporter now, in batches of `maxExportBatchSize` (each is appended to
   * the store synchronously): the buffer, and a batch still waiting for resource detection (stored with
   * the attributes detected so far, as by flushSync).
   */
  private handOverEverything(): void {
    const taken = this.takeEverything();
    const spans = taken.spans;
    let dropped = taken.dropped;
    const size = this.options.maxExportBatchSize;
    for (let i = 0; i < spans.length || dropped > 0; i += size) {
      const batch = spans.slice(i, i + size);
      void context.with(suppressTracing(context.active()), () => this.exporter.exportBatch(batch, dropped)).done;
      dropped = 0;
    }
  }

  /**
   * Takes every span not yet handed to the store, with the drop count that goes with them: the buffer,
   * and a batch still waiting for resource detection (stored with the attributes detected so far).
   */
  private takeEverything(): { spans: ReadableSpan[]; dropped: number } {
    let spans = this.buffer;
    let dropped = this.dropped;
    const waiting = this.storing;
    if (waiting !== null && !waiting.handedOver) {
      waiting.handedOver = true;
      spans = waiting.spans.concat(spans);
      dropped += waiting.dropped;
    }
    this.buffer = [];
    this.dropped = 0;
    return { spans, dropped };
  }

  /**
   * For a `process.on('exit')` handler: every span that has ENDED reaches the store now, synchronously:
   * the buffered ones are appended (after a `dropped` record if spans were dropped), every batch whose
   * store write had not completed is written, all of it fsynced, a final signed checkpoint written and
   * the store's lock removed. Spans not yet forwarded (e.g. to OTLP) are in the store only: forwarding
   * cannot happen synchronously. A span still open is not recorded. A span whose resource attributes are
   * still being detected is stored with those detected so far (the SDK then logs "Accessing resource
   * attributes before async attributes settled"). Tracing stops: spans ending later are ignored. Returns
   * how many spans it appended.
   */
  flushSync(): number {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const { spans, dropped } = this.takeEverything();
    const outcomes = this.exporter.storeSpansAndCloseSync(spans, dropped);
    const failed = outcomes.filter((o) => o.error);
    if (failed.length > 0) diag.error(`CidSpanProcessor: ${failed.length} of ${spans.length} spans could not be stored at exit: ${failed[0]!.error!.message}`);
    return spans.length;
  }

  private withTimeout(promise: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        diag.error(`CidSpanProcessor: export did not finish within ${this.options.exportTimeoutMillis} ms`);
        resolve();
      }, this.options.exportTimeoutMillis);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

/**
 * Whether `promise` settles (either way) within `millis`. The timer does not keep the process alive: the
 * work being waited for does, for as long as it lasts.
 */
function settlesWithin(promise: Promise<unknown>, millis: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), millis);
    timer.unref();
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}
