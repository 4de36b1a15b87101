/**
 * CidSpanExporter: a SpanExporter (@opentelemetry/sdk-trace-base 2.x) that appends every span as a
 * content-addressed, hash-chained record to a ProvenanceStore and then forwards the span, annotated with
 * the CIDs it got, to the wrapped exporters. Works for spans of any instrumentation: GenAI content
 * attributes become payload blocks, everything else stays in the record.
 * Interface followed: https://open-telemetry.github.io/opentelemetry-js/interfaces/_opentelemetry_sdk-trace-base.SpanExporter.html
 */
import { diag, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_PROVENANCE_INPUT_CID,
  ATTR_PROVENANCE_LOG_ID,
  ATTR_PROVENANCE_LOG_SEQ,
  ATTR_PROVENANCE_OUTPUT_CID,
  ATTR_PROVENANCE_RECORD_CID,
} from '@llm-provenance/semantic-conventions';
import type { ProvenanceStoreOptions } from '../store/options.js';
import type { AppendedRecord, RecordContext, RecordInput, RecordWriter } from '../store/record-input.js';
import { ProvenanceStore } from '../store/store.js';
import { droppedRecord } from './dropped-record.js';
import { ForwardedSpan } from './forwarded-span.js';
import { payloadTable, type PayloadDirection } from './payload-attributes.js';
import { SpanRecordBuilder, type SpanLinks } from './span-record.js';

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
}

/** What became of one span of a batch. */
export interface SpanOutcome {
  span: ReadableSpan;
  record?: AppendedRecord;
  input?: string;
  output?: string;
  error?: Error;
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

/** One span of a batch on its way into the store: writes its own record when the store asks. */
class SpanEntry implements SpanOutcome, RecordWriter {
  record?: AppendedRecord;
  input?: string;
  output?: string;
  error?: Error;

  constructor(
    readonly span: ReadableSpan,
    private readonly builder: SpanRecordBuilder,
    private readonly links: SpanLinks,
  ) {}

  writeRecord(ctx: RecordContext): string {
    const text = this.builder.write(this.span, ctx, this.links);
    this.input = this.links.input?.toString();
    this.output = this.links.output?.toString();
    return text;
  }
}

function envBool(name: string): boolean | undefined {
  const raw = process.env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(process.env[name])}`);
}

function exportTo(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => {
    try {
      exporter.export(spans, resolve);
    } catch (error) {
      resolve({ code: ExportResultCode.FAILED, error: error as Error });
    }
  });
}

export class CidSpanExporter implements SpanExporter {
  readonly store: ProvenanceStore;
  private readonly ownsStore: boolean;
  private readonly forwardTo: SpanExporter[];
  private readonly forwardContent: boolean;
  private readonly builder: SpanRecordBuilder;
  /** Where the builder leaves a record's links (records are written one at a time). */
  private readonly links: SpanLinks = { input: null, params: null, output: null };
  private readonly pending = new Set<Promise<unknown>>();
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: CidSpanExporterOptions = {}) {
    this.builder = new SpanRecordBuilder(payloadTable(options.payloadAttributes));
    this.forwardTo = options.forwardTo ?? [];
    this.forwardContent = options.forwardContent ?? envBool('LLM_PROVENANCE_FORWARD_CONTENT') ?? true;
    this.ownsStore = options.store === undefined;
    this.store = options.store ?? ProvenanceStore.open(options);
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
    if (this.shutdownPromise) {
      const error = new Error('CidSpanExporter is shut down');
      return { stored: Promise.resolve({ outcomes: spans.map((span) => ({ span, error })), droppedRecorded: false }), done: Promise.resolve({ code: ExportResultCode.FAILED, error }) };
    }
    const stored = this.storeBatch(spans, droppedSpans);
    const done = stored.then((batch) => this.finish(spans, batch.outcomes)).catch((error: Error) => ({ code: ExportResultCode.FAILED, error }) as ExportResult);
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
    return { stored, done };
  }

  private async finish(spans: ReadableSpan[], outcomes: SpanOutcome[]): Promise<ExportResult> {
    const errors = outcomes.filter((o) => o.error).map((o) => o.error!);
    errors.push(...(await this.forward(outcomes)));
    if (errors.length === 0) return { code: ExportResultCode.SUCCESS };
    const error = errors.length === 1 ? errors[0]! : new AggregateError(errors, `${errors.length} problems exporting ${spans.length} spans: ${errors.map((e) => e.message).join('; ')}`);
    diag.error(`CidSpanExporter: ${error.message}`);
    return { code: ExportResultCode.FAILED, error };
  }

  /** Builds and appends the spans' records; resolves once they are durable. */
  async storeSpans(spans: ReadableSpan[]): Promise<SpanOutcome[]> {
    return (await this.storeBatch(spans, 0)).outcomes;
  }

  private async storeBatch(spans: ReadableSpan[], droppedSpans: number): Promise<StoredBatch> {
    const { outcomes, dropped, durable } = this.appendSpans(spans, droppedSpans);
    try {
      await durable;
    } catch (err) {
      markWriteFailed(outcomes, err as Error);
      return { outcomes, droppedRecorded: false };
    }
    return { outcomes, droppedRecorded: dropped };
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
    const { outcomes, durable } = spans.length > 0 || droppedSpans > 0 ? this.appendSpans(spans, droppedSpans) : { outcomes: [], durable: Promise.resolve() };
    // Settles only if the event loop runs again; closeSync below is what makes the records durable.
    durable.catch(() => {});
    try {
      this.store.closeSync();
    } catch (err) {
      markWriteFailed(outcomes, err as Error);
    }
    return outcomes;
  }

  /**
   * Appends the spans' records: each is written by the store as it encodes the batch (no draft objects).
   * `dropped`: the batch's `dropped` record (if any) was appended.
   */
  private appendSpans(spans: ReadableSpan[], droppedSpans: number): { outcomes: SpanOutcome[]; dropped: boolean; durable: Promise<void> } {
    const entries = spans.map((span) => new SpanEntry(span, this.builder, this.links));
    const inputs: RecordInput[] = droppedSpans > 0 ? [droppedRecord(droppedSpans), ...entries] : entries;
    let appended;
    try {
      appended = this.store.append(inputs);
    } catch (err) {
      for (const e of entries) e.error = err as Error;
      return { outcomes: entries, dropped: false, durable: Promise.resolve() };
    }
    const offset = inputs.length - entries.length;
    for (let i = 0; i < entries.length; i++) {
      const r = appended.records[i + offset]!;
      if (r instanceof Error) entries[i]!.error = r;
      else entries[i]!.record = r;
    }
    const first = appended.records[0];
    if (offset > 0 && first instanceof Error) diag.error(`CidSpanExporter: the record of ${droppedSpans} dropped spans could not be stored: ${first.message}`);
    return { outcomes: entries, dropped: offset > 0 && !(first instanceof Error), durable: appended.durable };
  }

  private async forward(outcomes: SpanOutcome[]): Promise<Error[]> {
    if (this.forwardTo.length === 0 || outcomes.length === 0) return [];
    const strip = this.forwardContent ? null : this.builder.isPayload;
    const errors: Error[] = [];
    const spans: ReadableSpan[] = [];
    for (const o of outcomes) {
      const extra: Attributes = {};
      if (o.record) {
        extra[ATTR_PROVENANCE_RECORD_CID] = o.record.cid.toString();
        if (o.input) extra[ATTR_PROVENANCE_INPUT_CID] = o.input;
        if (o.output) extra[ATTR_PROVENANCE_OUTPUT_CID] = o.output;
        extra[ATTR_PROVENANCE_LOG_ID] = o.record.log;
        extra[ATTR_PROVENANCE_LOG_SEQ] = o.record.seq;
      }
      try {
        spans.push(new ForwardedSpan(o.span, extra, strip));
      } catch (err) {
        // A span we cannot even read is not forwarded; its storing error already names it.
        if (!o.error) errors.push(new Error(`span could not be forwarded: ${(err as Error).message}`));
      }
    }
    if (spans.length === 0) return errors;
    const results = await Promise.all(this.forwardTo.map((e) => exportTo(e, spans)));
    results.forEach((r, i) => {
      if (r.code !== ExportResultCode.SUCCESS) {
        errors.push(new Error(`forwarding to exporter #${i} (${this.forwardTo[i]!.constructor?.name}) failed: ${r.error?.message ?? 'FAILED'}`));
      }
    });
    return errors;
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
    await this.store.flush();
    await Promise.all(this.forwardTo.map((e) => e.forceFlush?.()));
  }

  shutdown(): Promise<void> {
    if (!this.shutdownPromise) {
      this.shutdownPromise = (async () => {
        await Promise.all([...this.pending]);
        if (this.ownsStore) await this.store.close();
        else await this.store.flush();
        await Promise.all(this.forwardTo.map((e) => e.shutdown()));
      })();
    }
    return this.shutdownPromise;
  }
}

/** A failed store write loses every record of the append: those spans' outcomes become that error. */
function markWriteFailed(outcomes: SpanOutcome[], cause: Error): void {
  const error = new Error(`writing records to the provenance store failed: ${cause.message}`);
  for (const outcome of outcomes) {
    if (outcome.record) {
      outcome.record = undefined;
      outcome.error = error;
    }
  }
}
