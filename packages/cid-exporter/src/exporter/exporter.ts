/**
 * CidSpanExporter: a SpanExporter (@opentelemetry/sdk-trace-base 2.x) that appends every span as a
 * content-addressed, hash-chained record to a ProvenanceStore and then forwards the span, annotated with
 * the CIDs it got, to the wrapped exporters. Works for spans of any instrumentation: GenAI content
 * attributes become payload blocks, everything else stays in the record.
 * Interface followed: https://open-telemetry.github.io/opentelemetry-js/interfaces/_opentelemetry_sdk-trace-base.SpanExporter.html
 */
import { diag, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import {
  ATTR_PROVENANCE_INPUT_CID,
  ATTR_PROVENANCE_LOG_ID,
  ATTR_PROVENANCE_LOG_SEQ,
  ATTR_PROVENANCE_OUTPUT_CID,
  ATTR_PROVENANCE_RECORD_CID,
} from '@llm-provenance/semantic-conventions';
import { ProvenanceStore, type AppendedRecord, type RecordDraft } from '../store/store.js';
import type { PreEncodedDraft } from '../store/record-text.js';
import type { ProvenanceStoreOptions } from '../store/options.js';
import { ForwardedSpan } from './forwarded-span.js';
import { payloadTable, type PayloadDirection } from './payload-attributes.js';
import { SpanRecordBuilder, type SpanDraft } from './span-record.js';

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
  private readonly pending = new Set<Promise<unknown>>();
  private shutdownPromise: Promise<void> | undefined;

  constructor(options: CidSpanExporterOptions = {}) {
    this.builder = new SpanRecordBuilder(payloadTable(options.payloadAttributes), options.store?.options.encoder ?? options.encoder);
    this.forwardTo = options.forwardTo ?? [];
    this.forwardContent = options.forwardContent ?? envBool('LLM_PROVENANCE_FORWARD_CONTENT') ?? true;
    this.ownsStore = options.store === undefined;
    this.store = options.store ?? ProvenanceStore.open(options);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const task = this.exportAsync(spans).then(
      (result) => result,
      (error: Error) => ({ code: ExportResultCode.FAILED, error }) as ExportResult,
    );
    this.pending.add(task);
    void task.then((result) => {
      this.pending.delete(task);
      try {
        resultCallback(result);
      } catch (err) {
        diag.error('CidSpanExporter: result callback threw', err);
      }
    });
  }

  /** Stores the spans, then forwards them. Never rejects for a bad span: the result says FAILED. */
  async exportAsync(spans: ReadableSpan[]): Promise<ExportResult> {
    if (this.shutdownPromise) return { code: ExportResultCode.FAILED, error: new Error('CidSpanExporter is shut down') };
    const outcomes = await this.storeSpans(spans);
    const errors = outcomes.filter((o) => o.error).map((o) => o.error!);
    const forwardErrors = await this.forward(outcomes);
    errors.push(...forwardErrors);
    if (errors.length === 0) return { code: ExportResultCode.SUCCESS };
    const error = errors.length === 1 ? errors[0]! : new AggregateError(errors, `${errors.length} problems exporting ${spans.length} spans: ${errors.map((e) => e.message).join('; ')}`);
    diag.error(`CidSpanExporter: ${error.message}`);
    return { code: ExportResultCode.FAILED, error };
  }

  /** Builds and appends records; resolves once they are durable. */
  async storeSpans(spans: ReadableSpan[]): Promise<SpanOutcome[]> {
    const { outcomes, durable } = this.appendSpans(spans);
    try {
      await durable;
    } catch (err) {
      markWriteFailed(outcomes, err as Error);
    }
    return outcomes;
  }

  /**
   * For a `process.on('exit')` handler, where nothing can be awaited: appends `spans`, then closes the store
   * synchronously (ProvenanceStore.closeSync: these records and every earlier append whose write had not
   * completed are written and fsynced, a final signed checkpoint is written, the lock removed), also when
   * the store was passed in. These spans are NOT forwarded: forwarding is asynchronous. Returns what became
   * of each span; a failed store write marks every record of it as failed.
   */
  storeSpansAndCloseSync(spans: ReadableSpan[]): SpanOutcome[] {
    const { outcomes, durable } = spans.length > 0 ? this.appendSpans(spans) : { outcomes: [], durable: Promise.resolve() };
    // Settles only if the event loop runs again; closeSync below is what makes the records durable.
    durable.catch(() => {});
    try {
      this.store.closeSync();
    } catch (err) {
      markWriteFailed(outcomes, err as Error);
    }
    return outcomes;
  }

  /** Builds the spans' records and appends them (encoded and chained now, written by the store's queue). */
  private appendSpans(spans: ReadableSpan[]): { outcomes: SpanOutcome[]; durable: Promise<void> } {
    const outcomes: SpanOutcome[] = spans.map((span) => ({ span }));
    const built: { outcome: SpanOutcome; input: SpanDraft['input']; output: SpanDraft['output'] }[] = [];
    const builder = this.builder;
    // Drafts are built one at a time as the store encodes them: each draft's text is garbage as soon as
    // its line is in the batch buffer, instead of a whole batch of drafts surviving (and being copied by)
    // the young-generation GC.
    function* drafts(): Generator<RecordDraft | PreEncodedDraft> {
      for (const outcome of outcomes) {
        let draft: SpanDraft;
        try {
          draft = builder.build(outcome.span);
        } catch (err) {
          outcome.error = err as Error;
          continue;
        }
        built.push({ outcome, input: draft.input, output: draft.output });
        yield draft.draft;
      }
    }
    let appended;
    try {
      appended = this.store.append(drafts());
    } catch (err) {
      for (const o of outcomes) if (!o.error) o.error = err as Error;
      return { outcomes, durable: Promise.resolve() };
    }
    built.forEach((b, i) => {
      const r = appended.records[i]!;
      if (r instanceof Error) {
        b.outcome.error = r;
      } else {
        b.outcome.record = r;
        if (b.input) b.outcome.input = b.input.toString();
        if (b.output) b.outcome.output = b.output.toString();
      }
    });
    built.length = 0;
    return { outcomes, durable: appended.durable };
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
