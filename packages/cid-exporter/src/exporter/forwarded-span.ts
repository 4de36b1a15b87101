/**
 * The span handed to wrapped exporters: the original span with `provenance.*` attributes added and, when
 * `forwardContent` is false, payload attributes removed (from the span and its events).
 */
import type { Attributes, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';

type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'];

function withoutKeys(attrs: Attributes | undefined, drop: (key: string) => boolean): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs ?? {})) if (!drop(k)) out[k] = v;
  return out;
}

export class ForwardedSpan implements ReadableSpan {
  readonly attributes: Attributes;
  readonly events: TimedEvent[];

  constructor(
    private readonly span: ReadableSpan,
    extra: Attributes,
    stripPayload: ((key: string) => boolean) | null,
  ) {
    const base = stripPayload ? withoutKeys(span.attributes, stripPayload) : span.attributes;
    this.attributes = { ...base, ...extra };
    this.events = stripPayload
      ? span.events.map((e) => ({ ...e, attributes: e.attributes ? withoutKeys(e.attributes, stripPayload) : e.attributes }))
      : span.events;
  }

  get name(): string {
    return this.span.name;
  }
  get kind(): SpanKind {
    return this.span.kind;
  }
  spanContext(): SpanContext {
    return this.span.spanContext();
  }
  get parentSpanContext(): SpanContext | undefined {
    return this.span.parentSpanContext;
  }
  get startTime(): HrTime {
    return this.span.startTime;
  }
  get endTime(): HrTime {
    return this.span.endTime;
  }
  get status(): SpanStatus {
    return this.span.status;
  }
  get links(): Link[] {
    return this.span.links;
  }
  get duration(): HrTime {
    return this.span.duration;
  }
  get ended(): boolean {
    return this.span.ended;
  }
  get resource(): Resource {
    return this.span.resource;
  }
  get instrumentationScope(): Scope {
    return this.span.instrumentationScope;
  }
  get droppedAttributesCount(): number {
    return this.span.droppedAttributesCount;
  }
  get droppedEventsCount(): number {
    return this.span.droppedEventsCount;
  }
  get droppedLinksCount(): number {
    return this.span.droppedLinksCount;
  }
}
