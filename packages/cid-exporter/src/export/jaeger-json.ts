/**
 * The JSON Jaeger UI opens from a file ("Upload JSON" on the search page): the same shape its query API
 * returns, `{ data: [ { traceID, spans: [...], processes: { p1: { serviceName, tags } } } ] }`, with
 * times in microseconds and typed tags. OTel-only fields follow Jaeger's OTLP translation: `span.kind`,
 * `otel.status_code`, `otel.status_description`, `error`, `otel.scope.name`.
 * Field names and types follow Jaeger's JSON model (jaegertracing/jaeger model/json/model.go): `traceID`,
 * `spanID`, `operationName`, `references` (`CHILD_OF` for the parent first, `FOLLOWS_FROM` for links),
 * `startTime` / `duration` / log `timestamp` as integer microseconds, `processID` keying `processes`, tags
 * `{ key, type: string | bool | int64 | float64, value }`; empty `warnings` are left out as the model does.
 * Reference: https://www.jaegertracing.io/docs/latest/apis/
 */
import type { SpanAttributeValue, SpanView } from './span-view.js';

export interface JaegerTag {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64';
  value: string | number | boolean;
}

const KIND_NAMES = ['internal', 'server', 'client', 'producer', 'consumer'];

function tag(key: string, v: SpanAttributeValue): JaegerTag {
  if (typeof v === 'string') return { key, type: 'string', value: v };
  if (typeof v === 'boolean') return { key, type: 'bool', value: v };
  // An integer past 2^53 is not exact as a JS number and may be past int64: float64 says what it is.
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { key, type: 'int64', value: v } : { key, type: 'float64', value: v };
  // Jaeger has no array tags; its OTLP translator stores arrays as their JSON text.
  return { key, type: 'string', value: JSON.stringify(v) };
}

function tags(attrs: Record<string, SpanAttributeValue>): JaegerTag[] {
  return Object.keys(attrs)
    .sort()
    .map((k) => tag(k, attrs[k]!));
}

const micros = (nanos: bigint): number => Number(nanos / 1000n);

/** Builds the Jaeger UI upload document: one entry in `data` per trace id, spans in the order given. */
export function toJaegerDocument(spans: readonly SpanView[]): { data: unknown[] } {
  const traces = new Map<string, { spans: unknown[]; processes: Map<string, { id: string; process: unknown }> }>();
  for (const s of spans) {
    let t = traces.get(s.traceId);
    if (!t) traces.set(s.traceId, (t = { spans: [], processes: new Map() }));
    const pk = JSON.stringify(tags(s.resource));
    let p = t.processes.get(pk);
    if (!p) {
      const { ['service.name']: serviceName, ...rest } = s.resource;
      p = { id: `p${t.processes.size + 1}`, process: { serviceName: typeof serviceName === 'string' ? serviceName : 'unknown_service', tags: tags(rest) } };
      t.processes.set(pk, p);
    }
    const extra: Record<string, SpanAttributeValue> = { 'span.kind': KIND_NAMES[s.kind] ?? 'internal', 'otel.scope.name': s.scope.name };
    if (s.scope.version) extra['otel.scope.version'] = s.scope.version;
    if (s.status.code === 1) extra['otel.status_code'] = 'OK';
    if (s.status.code === 2) {
      extra['otel.status_code'] = 'ERROR';
      extra.error = true;
      if (s.status.message) extra['otel.status_description'] = s.status.message;
    }
    t.spans.push({
      traceID: s.traceId,
      spanID: s.spanId,
      operationName: s.name,
      references: [
        ...(s.parentSpanId ? [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId }] : []),
        ...s.links.map((l) => ({ refType: 'FOLLOWS_FROM', traceID: l.traceId, spanID: l.spanId })),
      ],
      startTime: micros(s.startTimeUnixNano),
      duration: micros(s.endTimeUnixNano - s.startTimeUnixNano),
      tags: [...tags(s.attributes), ...tags(extra)],
      logs: s.events.map((e) => ({ timestamp: micros(e.timeUnixNano), fields: [{ key: 'event', type: 'string', value: e.name }, ...tags(e.attributes)] })),
      processID: p.id,
      // Jaeger's model omits empty warnings (`omitempty`); 1 is the sampled flag.
      flags: 1,
    });
  }
  return {
    data: [...traces.entries()].map(([traceID, t]) => ({
      traceID,
      spans: t.spans,
      processes: Object.fromEntries([...t.processes.values()].map((p) => [p.id, p.process])),
    })),
  };
}
