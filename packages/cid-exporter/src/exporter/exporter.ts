/**
 * CidSpanExporter: a SpanExporter (@opentelemetry/sdk-trace) that appends every span as a
 * content-addressed, hash-chained record to a ProvenanceStore and then forwards the span, annotated with
 * the CIDs it got, to the wrapped exporters. Works for spans of any instrumentation: GenAI content
 * attributes become payload blocks, everything else stays in the record.
 * Interface followed: https://open-telemetry.github.io/opentelemetry-js/interfaces/_opentelemetry_sdk-trace.SpanExporter.html
 */
import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { ProvenanceStoreOptions } from '../store/options.js';
import { ProvenanceStore } from '../store/store.js';
import { Forwarder } from './forwarding.js';
import { payloadTable, type PayloadDirection } from './payload-attributes.js';
import { appendSpans, markWriteFailed, type AppendedBatch, type SpanOutcome } from './span-batch.js';
import { SpanRecordBuilder, type SpanLinks } from './span-record.js';

export type { SpanOutcome } from './span-batch.js';
import { ContinuousPublisher, type ContinuousPublishOptions } from '../publish/continuous.js';

export interface CidSpanExporterOptions extends ProvenanceStoreOptions {
  /** Use this store instead of opening one (the exporter then does not close it on shutdown). */
  store?: ProvenanceStore;
  /** Exporters that receive every span after it is stored, with `provenance.*` attributes added. */
  forwardTo?: SpanExporter[];
  /**
   * Keep payload (content) attributes on forwarded spans. Default true; env
   * LLM_PROVENANCE_FORWARD_CONTENT=false strips them (the store keeps them either way).
   */
  forwardContent?: boolean;
  /** Extra attributes to treat as payloads, e.g. `{ 'app.prompt': 'input' }`. */
  payloadAttributes?: Record<string, PayloadDirection>;
  /**
   * Publish the store to IPFS after each checkpoint (and once more at shutdown): to the embedded Helia
   * node (`{ helia: {} }`, loopback only, Node.js 22+) or a Kubo node (`{ kubo: 'http://127.0.0.1:5001' }`).
   * Failures are warnings (`onWarning`); the store is never affected. See src/publish/continuous.ts.
   */
  publish?: ContinuousPublishOptions;
}

/** What the store write of a batch came to. */
export interface StoredBatch {
  outcomes: SpanOutcome[];
  /** The batch's `dropped` record (if it had one) is in the store. */
  droppedRecorded: boolean;
}

/** A batch handed to {@link CidSpanExporter.exportBatch}. */
export interface BatchExport {
  /** Settles once the batch's store write completed (or failed). */
  stored: Promise<StoredBatch>;
  /** Settles once the batch is stored and forwarded. */
  done: Promise<ExportResult>;
}

function envBool(name: string): boolean | undefined {
  const raw = process.env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(process.env[name])}`);
}

export class CidSpanExporter implements SpanExporter {
  readonly store: ProvenanceStore;
  private readonly ownsStore: boolean;
  private readonly forwarder: Forwarder;
  private readonly builder: SpanRecordBuilder;
  /** Where the builder leaves a record's links (records are written one at a time). */
  private readonly links: SpanLinks = { input: null, params: null, output: null };
  private readonly pending = new Set<Promise<unknown>>();
  /** Spans handed to exportBatch whose forwarding has not completed. */
  private forwardingSpans = 0;
  /** Spans whose store write settled: stored, or not (with the first reason). */
  private storedSpans = 0;
  private unstoredSpans = 0;
  private firstStoreError: string | undefined;
  private storeClosing: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private publisher: ContinuousPublisher | undefined;

  constructor(options: CidSpanExporterOptions = {}) {
    this.builder = new SpanRecordBuilder(payloadTable(options.payloadAttributes));
    const forwardContent = options.forwardContent ?? envBool('LLM_PROVENANCE_FORWARD_CONTENT') ?? true;
    this.forwarder = new Forwarder(options.forwardTo ?? [], forwardContent ? null : this.builder.isPayload, () => this.storeState());
    this.builder.keepLinkText = this.forwarder.targets.length > 0;
    this.ownsStore = options.store === undefined;
    const publish = options.publish;
    const onCheckpoint = publish
      ? (logId: string, size: number): void => {
          options.onCheckpoint?.(logId, size);
          this.publisher?.schedule();
        }
      : options.onCheckpoint;
    this.store = options.store ?? ProvenanceStore.open({ ...options, onCheckpoint });
    if (publish) this.publisher = new ContinuousPublisher(this.store.dir, publish, options.onWarning ?? (() => {}));
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    void this.exportBatch(spans).done.then((result) => {
      try {
        resultCallback(result);
      } catch (err) {
        diag.error('CidSpanExporter: result callback threw', err);
      }
    });
  }

  /** Stores the spans, then forwards them. Never rejects for a bad span: the result says FAILED. */
  exportAsync(spans: ReadableSpan[]): Promise<ExportResult> {
    return this.exportBatch(spans).done;
  }

  /**
   * Stores `spans` (encoded and chained into the store synchronously, before this returns), preceded by a
   * `dropped` record when `droppedSpans` > 0, then forwards them. `stored` settles when the store write
   * completes, `done` when forwarding does too. Never rejects: failures are in the result.
   */
  exportBatch(spans: ReadableSpan[], droppedSpans = 0): BatchExport {
    if (this.storeClosing) {
      const error = new Error('CidSpanExporter is shut down');
      return {
        stored: Promise.resolve({ outcomes: spans.map((span) => ({ span, error })), droppedRecorded: false }),
        done: Promise.resolve({ code: ExportResultCode.FAILED, error }),
      };
    }
    const count = spans.length;
    // With nowhere to forward to, the spans are let go once encoded (the caller may release them too).
    const stored = this.settle(this.append(spans, droppedSpans, this.forwards));
    const done = stored.then((batch) => this.finish(count, batch.outcomes)).catch((error: Error): ExportResult => ({ code: ExportResultCode.FAILED, error }));
    this.pending.add(done);
    this.forwardingSpans += count;
    void done.then(() => {
      this.pending.delete(done);
      this.forwardingSpans -= count;
    });
    return { stored, done };
  }

  /** Builds and appends the spans' records; resolves once they are durable. */
  async storeSpans(spans: ReadableSpan[]): Promise<SpanOutcome[]> {
    return (await this.settle(this.append(spans, 0))).outcomes;
  }

  /**
   * For a `process.on('exit')` handler, where nothing can be awaited: appends `spans` (after a `dropped`
   * record when `droppedSpans` > 0), then closes the store synchronously (ProvenanceStore.closeSync: these
   * records and every earlier append whose write had not completed are written and fsynced, a final signed
   * checkpoint is written, the lock removed), also when the store was passed in. These spans are NOT
   * forwarded: forwarding is asynchronous. Returns what became of each span; a failed store write marks
   * every record of it as failed.
   */
  storeSpansAndCloseSync(spans: ReadableSpan[], droppedSpans = 0): SpanOutcome[] {
    const { outcomes, durable } = spans.length > 0 || droppedSpans > 0 ? this.append(spans, droppedSpans) : { outcomes: [], durable: Promise.resolve() };
    // Settles only if the event loop runs again; closeSync below is what makes the records durable.
    durable.catch(() => {});
    try {
      this.store.closeSync();
    } catch (err) {
      markWriteFailed(outcomes, err as Error);
    }
    return outcomes;
  }

  /** Whether stored spans are forwarded anywhere (else nothing reads a span after its record is encoded). */
  get forwards(): boolean {
    return this.forwarder.targets.length > 0;
  }

  private append(spans: ReadableSpan[], droppedSpans: number, keepSpans = true): AppendedBatch {
    const batch = appendSpans(this.store, this.builder, this.links, spans, droppedSpans, keepSpans);
    if (droppedSpans > 0 && !batch.dropped) diag.error(`CidSpanExporter: the record of ${droppedSpans} dropped spans could not be appended`);
    return batch;
  }

  private async settle(batch: AppendedBatch): Promise<StoredBatch> {
    let result: StoredBatch = { outcomes: batch.outcomes, droppedRecorded: batch.dropped };
    try {
      await batch.durable;
    } catch (err) {
      markWriteFailed(batch.outcomes, err as Error);
      result = { outcomes: batch.outcomes, droppedRecorded: false };
    }
    this.tally(batch.outcomes);
    return result;
  }

  private tally(outcomes: SpanOutcome[]): void {
    for (const o of outcomes) {
      if (o.error) {
        this.unstoredSpans++;
        this.firstStoreError ??= o.error.message;
      } else {
        this.storedSpans++;
      }
    }
  }

  /** How complete the store is, for messages: "the provenance store is complete (all 3 spans stored)". */
  private storeState(): string {
    if (this.unstoredSpans === 0) return `the provenance store is complete (all ${this.storedSpans} spans stored)`;
    const total = this.storedSpans + this.unstoredSpans;
    return `the provenance store is missing ${this.unstoredSpans} of ${total} spans (${this.firstStoreError ?? 'unknown reason'})`;
  }

  private async finish(count: number, outcomes: SpanOutcome[]): Promise<ExportResult> {
    const errors = outcomes.filter((o) => o.error).map((o) => o.error!);
    // Store failures are said here; forwarding failures by the forwarder, once per change of state.
    if (errors.length > 0) diag.error(`CidSpanExporter: ${errors.length} of ${count} spans could not be stored: ${errors[0]!.message}`);
    errors.push(...(await this.forwarder.forward(outcomes)));
    if (errors.length === 0) return { code: ExportResultCode.SUCCESS };
    const error =
      errors.length === 1
        ? errors[0]!
        : new AggregateError(errors, `${errors.length} problems exporting ${count} spans: ${errors.map((e) => e.message).join('; ')}`);
    return { code: ExportResultCode.FAILED, error };
  }

  /** The store first (every batch handed over written and fsynced), then the forwards under way. */
  async forceFlush(): Promise<void> {
    if (!this.storeClosing) await this.store.flush();
    await Promise.all([...this.pending]);
    await this.forwarder.forceFlush();
  }

  /**
   * The store part of shutdown: every batch already handed over is written, a final signed checkpoint
   * written and the store closed (its lock removed); a store passed in is checkpointed, not closed.
   * Forwarding goes on (see {@link finishForwarding}). Later exports are refused.
   */
  closeStore(): Promise<void> {
    this.storeClosing ??= (this.ownsStore ? this.store.close() : this.store.checkpoint().then(() => {})).then(() => this.publisher?.close());
    return this.storeClosing;
  }

  /** Waits for every batch handed over to be written, fsyncs, and writes a checkpoint if records were added. */
  async checkpointStore(): Promise<void> {
    if (!this.storeClosing) await this.store.checkpoint();
  }

  /**
   * {@link closeStore} done synchronously, e.g. when the asynchronous close did not finish in time: takes
   * over the writes still under way (ProvenanceStore.closeSync), also for a store passed in. Returns the
   * write failure, if any, instead of throwing.
   */
  closeStoreSync(): Error | undefined {
    this.storeClosing ??= Promise.resolve();
    try {
      this.store.closeSync();
      return undefined;
    } catch (err) {
      return err as Error;
    }
  }

  /** Waits for every forward under way, then shuts the wrapped exporters down. */
  async finishForwarding(): Promise<void> {
    await Promise.all([...this.pending]);
    await this.forwarder.shutdown();
  }

  /** Says that forwarding did not finish within the shutdown budget (once per target), with the store's state. */
  abandonForwarding(budgetMillis: number): void {
    this.forwarder.abandoned(this.forwardingSpans, budgetMillis);
  }

  /** The store first ({@link closeStore}), then forwarding ({@link finishForwarding}), without time limits. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      await this.closeStore();
      await this.finishForwarding();
    })();
    return this.shutdownPromise;
  }
}
