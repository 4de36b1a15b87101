/**
 * Forwarding stored spans to the wrapped exporters (FORMAT.md 5.4): each span with `provenance.*`
 * attributes exactly equal to what the store holds, and without its payload attributes when
 * `forwardContent` is false.
 *
 * A forward that fails costs no record (the spans are stored before they are forwarded), so it is said
 * once per change of state and per target, in one line that also says whether the store is complete:
 * a collector that is down must not fill stderr with a line per batch.
 */
import { diag } from '@opentelemetry/api';
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

/** A reason on one line (an error message may span several). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** A target's name for messages: its class (e.g. `OTLPTraceExporter`), else its position. */
function targetName(target: SpanExporter, index: number): string {
  const name = (target as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : `exporter #${index}`;
}

export class Forwarder {
  private readonly attributes: ForwardedAttributes;
  /** Per target: failing since the last state change was reported. */
  private readonly failing: boolean[];

  /**
   * `strip`: tells payload attributes, to leave out of forwarded spans (null: keep them).
   * `storeState`: how complete the store is, for the failure message (e.g. "the provenance store is complete (...)").
   */
  constructor(
    readonly targets: SpanExporter[],
    private readonly strip: ((key: string) => boolean) | null,
    private readonly storeState: () => string,
  ) {
    this.attributes = new ForwardedAttributes(strip);
    this.failing = targets.map(() => false);
  }

  /** Forwards every readable span of the batch; returns the problems (never rejects). */
  async forward(outcomes: SpanOutcome[]): Promise<Error[]> {
    if (this.targets.length === 0 || outcomes.length === 0) return [];
    const errors: Error[] = [];
    const spans: ReadableSpan[] = [];
    for (const o of outcomes) {
      // Spans are kept for forwarding (see appendSpans); an outcome without one has nothing to forward.
      if (!o.span) continue;
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
      if (r.code === ExportResultCode.SUCCESS) {
        this.delivered(i);
        return;
      }
      const reason = oneLine(r.error?.message ?? 'FAILED');
      errors.push(new Error(`forwarding to ${targetName(this.targets[i]!, i)} failed: ${reason}`));
      this.failed(i, reason);
    });
    return errors;
  }

  /**
   * At shutdown, when the budget ran out with `count` spans still on their way: says so for every target
   * not already reported as failing (their exports may still be retrying; the process will not wait).
   */
  abandoned(count: number, budgetMillis: number): void {
    this.targets.forEach((_, i) => this.failed(i, `${count} spans not delivered within the ${budgetMillis} ms shutdown budget`));
  }

  private failed(index: number, reason: string): void {
    if (this.failing[index]) return;
    this.failing[index] = true;
    diag.error(`CidSpanExporter: forwarding to ${targetName(this.targets[index]!, index)} failed: ${reason}; ${this.storeState()}`);
  }

  private delivered(index: number): void {
    if (!this.failing[index]) return;
    this.failing[index] = false;
    diag.warn(`CidSpanExporter: forwarding to ${targetName(this.targets[index]!, index)} works again; ${this.storeState()}`);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.targets.map((e) => e.forceFlush?.() ?? Promise.resolve()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.targets.map((e) => e.shutdown()));
  }
}
