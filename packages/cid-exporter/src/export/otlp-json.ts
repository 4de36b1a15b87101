/**
 * OTLP/JSON traces as the OpenTelemetry Collector `file` exporter writes them: one `TracesData` per line
 * (https://opentelemetry.io/docs/specs/otel/protocol/file-exporter/; a `TracesData` and an
 * `ExportTraceServiceRequest` have the same JSON form, `{ "resourceSpans": [...] }`). Encoding rules (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * trace and span ids as lower-case hex, 64-bit integers (timestamps, intValue) as decimal strings,
 * enums as integers, attributes as `{ key, value: { stringValue | boolValue | intValue | doubleValue | arrayValue } }`.
 */
import type { SpanAttributeValue, SpanView } from './span-view.js';

type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number } | { arrayValue: { values: AnyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: AnyValue;
}

function anyValue(v: SpanAttributeValue): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  // intValue is an int64 in decimal; an integer past 2^53 (String() would give 1e+21) is sent as the double it is.
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { arrayValue: { values: v.map((x) => anyValue(x)) } };
}

/** OTLP KeyValue list, keys in sorted order so output is stable. */
export function otlpAttributes(attrs: Record<string, SpanAttributeValue>): OtlpKeyValue[] {
  return Object.keys(attrs)
    .sort()
    .map((key) => ({ key, value: anyValue(attrs[key]!) }));
}

function otlpSpan(s: SpanView): Record<string, unknown> {
  const span: Record<string, unknown> = {
    traceId: s.traceId,
    spanId: s.spanId,
  };
  if (s.parentSpanId) span.parentSpanId = s.parentSpanId;
  span.name = s.name;
  // OTLP's SpanKind enum reserves 0 for UNSPECIFIED, so it is the API value + 1.
  span.kind = s.kind + 1;
  span.startTimeUnixNano = s.startTimeUnixNano.toString();
  span.endTimeUnixNano = s.endTimeUnixNano.toString();
  span.attributes = otlpAttributes(s.attributes);
  if (s.events.length) {
    span.events = s.events.map((e) => ({ timeUnixNano: e.timeUnixNano.toString(), name: e.name, attributes: otlpAttributes(e.attributes) }));
  }
  if (s.links.length) {
    span.links = s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: otlpAttributes(l.attributes) }));
  }
  span.status = s.status.message ? { code: s.status.code, message: s.status.message } : { code: s.status.code };
  return span;
}

/**
 * Groups spans into one ExportTraceServiceRequest: spans sharing a resource and scope go into one
 * resourceSpans / scopeSpans entry, in the order they are given.
 */
export function toExportTraceServiceRequest(spans: readonly SpanView[]): { resourceSpans: unknown[] } {
  const resources = new Map<string, { resource: Record<string, SpanAttributeValue>; scopes: Map<string, { scope: SpanView['scope']; spans: SpanView[] }> }>();
  for (const s of spans) {
    const rk = JSON.stringify(otlpAttributes(s.resource));
    let r = resources.get(rk);
    if (!r) resources.set(rk, (r = { resource: s.resource, scopes: new Map() }));
    const sk = JSON.stringify([s.scope.name, s.scope.version ?? '']);
    let sc = r.scopes.get(sk);
    if (!sc) r.scopes.set(sk, (sc = { scope: s.scope, spans: [] }));
    sc.spans.push(s);
  }
  return {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: { attributes: otlpAttributes(r.resource) },
      scopeSpans: [...r.scopes.values()].map((sc) => ({
        scope: sc.scope.version ? { name: sc.scope.name, version: sc.scope.version } : { name: sc.scope.name },
        spans: sc.spans.map(otlpSpan),
      })),
    })),
  };
}
