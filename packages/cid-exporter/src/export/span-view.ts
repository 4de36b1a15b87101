/**
 * The viewer-facing shape of one provenance record: what OTLP JSON and Jaeger JSON are built from.
 * Produced from stored records by `recordToSpanView`; kept separate so both viewer formats share one
 * mapping from the store's layout.
 */

/** An attribute value as OpenTelemetry allows it. */
export type SpanAttributeValue = string | number | boolean | ReadonlyArray<string | number | boolean>;

export interface SpanView {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OpenTelemetry API SpanKind: INTERNAL 0, SERVER 1, CLIENT 2, PRODUCER 3, CONSUMER 4. */
  kind: number;
  /** Nanoseconds since the Unix epoch. */
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** OpenTelemetry status: UNSET 0, OK 1, ERROR 2. */
  status: { code: number; message?: string };
  attributes: Record<string, SpanAttributeValue>;
  resource: Record<string, SpanAttributeValue>;
  scope: { name: string; version?: string };
  events: Array<{ name: string; timeUnixNano: bigint; attributes: Record<string, SpanAttributeValue> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, SpanAttributeValue> }>;
}
