/**
 * A batch of spans on its way into the store: one record writer per span (the store asks each to write
 * its record as it encodes the batch, so no draft objects are built), preceded by a `dropped` record when
 * the span processor had to drop spans, and what became of each span.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { CID } from '../cid.js';
import type { ByteBatch } from '../store/byte-batch.js';
import type { AppendedRecord, RecordContext, RecordInput, RecordWriter } from '../store/record-input.js';
import type { ProvenanceStore } from '../store/store.js';
import { droppedRecord } from './dropped-record.js';
import type { SpanLinks, SpanRecordBuilder } from './span-record.js';

/** What became of one span of a batch. */
export interface SpanOutcome {
  /** The span; released once its record is encoded when nothing reads it afterwards (no forwarding). */
  span?: ReadableSpan;
  record?: AppendedRecord;
  /** The CIDs of the record's input and output blocks, when it has them. */
  input?: string;
  output?: string;
  /** The span's attribute keys in order, when the record was written (the same array for spans of one key order). */
  keys?: readonly string[] | null;
  error?: Error;
}

class SpanEntry implements SpanOutcome, RecordWriter {
  record?: AppendedRecord;
  error?: Error;
  keys: readonly string[] | null = null;
  private inputCid: CID | null = null;
  private outputCid: CID | null = null;

  constructor(
    public span: ReadableSpan | undefined,
    private readonly builder: SpanRecordBuilder,
    private readonly links: SpanLinks,
  ) {}

  // The strings are made only if asked for (by forwarding).
  get input(): string | undefined {
    return this.inputCid?.toString();
  }

  get output(): string | undefined {
    return this.outputCid?.toString();
  }

  writeRecord(ctx: RecordContext, out: ByteBatch): void {
    if (!this.span) throw new Error('the span was released before its record was written');
    this.builder.write(this.span, ctx, out, this.links);
    this.inputCid = this.links.input;
    this.outputCid = this.links.output;
    this.keys = this.builder.keyOrder;
  }
}

export interface AppendedBatch {
  outcomes: SpanOutcome[];
  /** The batch's `dropped` record (if any) was appended. */
  dropped: boolean;
  durable: Promise<void>;
}

/**
 * Appends the spans' records (after a `dropped` record when `droppedSpans` > 0): encoded and chained now,
 * written by the store's queue. `links` is where the builder leaves each record's links. Unless
 * `keepSpans`, the outcomes let go of the spans once encoded, so that a batch waiting for its store write
 * holds its encoded bytes only.
 */
export function appendSpans(
  store: ProvenanceStore,
  builder: SpanRecordBuilder,
  links: SpanLinks,
  spans: ReadableSpan[],
  droppedSpans: number,
  keepSpans = true,
): AppendedBatch {
  const entries = spans.map((span) => new SpanEntry(span, builder, links));
  const inputs: RecordInput[] = droppedSpans > 0 ? [droppedRecord(droppedSpans), ...entries] : entries;
  let appended;
  try {
    appended = store.append(inputs);
  } catch (err) {
    for (const e of entries) e.error = err as Error;
    return { outcomes: entries, dropped: false, durable: Promise.resolve() };
  }
  const offset = inputs.length - entries.length;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const r = appended.records[i + offset]!;
    if (r instanceof Error) entry.error = r;
    else entry.record = r;
    if (!keepSpans) entry.span = undefined;
  }
  return { outcomes: entries, dropped: offset > 0 && !(appended.records[0] instanceof Error), durable: appended.durable };
}

/** A failed store write loses every record of the append: those spans' outcomes become that error. */
export function markWriteFailed(outcomes: SpanOutcome[], cause: Error): void {
  const error = new Error(`writing records to the provenance store failed: ${cause.message}`);
  for (const outcome of outcomes) {
    if (outcome.record) {
      outcome.record = undefined;
      outcome.error = error;
    }
  }
}
