/**
 * The span handed to wrapped exporters: the original span with the attributes given (its own with
 * `provenance.*` added and, when `forwardContent` is false, payloads removed) and, in that case, payload
 * attributes removed from its events too.
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

  /** `attributes`: the span's forwarded attributes, made by ForwardedAttributes (forwarded-attributes.ts). */
  constructor(
    private readonly span: ReadableSpan,
    attributes: Attributes,
    stripPayload: ((key: string) => boolean) | null,
  ) {
    this.attributes = attributes;
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
