/**
 * Forwarding stored spans to the wrapped exporters (FORMAT.md 5.4): each span with `provenance.*`
 * attributes exactly equal to what the store holds, and without its payload attributes when
 * `forwardContent` is false.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ForwardedAttributes } from './forwarded-attributes.js';
import { ForwardedSpan } from './forwarded-span.js';
import type { SpanOutcome } from './span-batch.js';

function exportTo(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => {
    try {
      exporter.export(spans, resolve);
    } catch (error) {
      resolve({ code: ExportResultCode.FAILED, error: error as Error });
    }
  });
}

export class Forwarder {
  private readonly attributes: ForwardedAttributes;

  /** `strip`: tells payload attributes, to leave out of forwarded spans (null: keep them). */
  constructor(
    readonly targets: SpanExporter[],
    private readonly strip: ((key: string) => boolean) | null,
  ) {
    this.attributes = new ForwardedAttributes(strip);
  }

  /** Forwards every readable span of the batch; returns the problems (never rejects). */
  async forward(outcomes: SpanOutcome[]): Promise<Error[]> {
    if (this.targets.length === 0 || outcomes.length === 0) return [];
    const errors: Error[] = [];
    const spans: ReadableSpan[] = [];
    for (const o of outcomes) {
      try {
        const r = o.record;
        const attributes = this.attributes.make(o.span.attributes ?? {}, o.keys ?? null, {
          record: r?.cid.toString(),
          input: r ? o.input || undefined : undefined,
          output: r ? o.output || undefined : undefined,
          log: r?.log ?? '',
          seq: r?.seq ?? 0,
        });
        spans.push(new ForwardedSpan(o.span, attributes, this.strip));
      } catch (err) {
        // A span we cannot even read is not forwarded; its storing error already names it.
        if (!o.error) errors.push(new Error(`span could not be forwarded: ${(err as Error).message}`));
      }
    }
    if (spans.length === 0) return errors;
    const results = await Promise.all(this.targets.map((e) => exportTo(e, spans)));
    results.forEach((r, i) => {
      if (r.code !== ExportResultCode.SUCCESS) {
        errors.push(new Error(`forwarding to exporter #${i} (${this.targets[i]!.constructor?.name}) failed: ${r.error?.message ?? 'FAILED'}`));
      }
    });
    return errors;
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.targets.map((e) => e.forceFlush?.() ?? Promise.resolve()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.targets.map((e) => e.shutdown()));
  }
}
