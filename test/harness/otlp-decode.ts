/**
 * Decodes OTLP/HTTP trace export bodies into one flat span shape, for both encodings:
 * - http/protobuf with the official opentelemetry-proto definitions, i.e. the protobufjs root generated from
 *   them and shipped in @opentelemetry/otlp-transformer@0.216.0 (installed as `otlp-transformer-protos`);
 * - http/json per the OTLP/JSON mapping (hex trace/span ids, int64 as decimal strings or numbers).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ProtoType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}
const protoRoot = require('otlp-transformer-protos/build/src/generated/root.js') as {
  opentelemetry: {
    proto: {
      collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType; ExportTraceServiceResponse: { encode(message: object): { finish(): Uint8Array } } } } };
    };
  };
};
const { ExportTraceServiceRequest, ExportTraceServiceResponse } = protoRoot.opentelemetry.proto.collector.trace.v1;

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
export type SpanKindName = (typeof SPAN_KINDS)[number];

/** One span as received, with its resource and scope. */
export interface OtlpSpan {
  name: string;
  kind: SpanKindName;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, AttributeValue>;
  status: { code: number; message: string | undefined };
  events: { name: string; attributes: Record<string, AttributeValue> }[];
  resource: Record<string, AttributeValue>;
  scope: { name: string; version: string | undefined };
}

export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Decodes one export request body. Throws on a body that is not a valid request in `protocol`. */
export function decodeTraceExport(body: Uint8Array, protocol: OtlpProtocol): OtlpSpan[] {
  const request =
    protocol === 'http/protobuf'
      ? ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), {
          longs: String,
          enums: Number,
          bytes: Array,
          defaults: false,
          arrays: true,
        })
      : JSON.parse(Buffer.from(body).toString('utf8'));
  return flatten(request as RawRequest, protocol);
}

/** The protobuf encoding of an empty (fully successful) ExportTraceServiceResponse. */
export function encodeEmptyProtobufResponse(): Uint8Array {
  return ExportTraceServiceResponse.encode({}).finish();
}

export interface RawKeyValue {
  key: string;
  value?: RawAnyValue;
}
interface RawAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: RawAnyValue[] };
  kvlistValue?: { values?: RawKeyValue[] };
  bytesValue?: number[] | string;
}
interface RawSpan {
  name: string;
  kind?: number;
  traceId: number[] | string;
  spanId: number[] | string;
  parentSpanId?: number[] | string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: RawKeyValue[];
  status?: { code?: number; message?: string };
  events?: { name: string; attributes?: RawKeyValue[] }[];
}
interface RawRequest {
  resourceSpans?: { resource?: { attributes?: RawKeyValue[] }; scopeSpans?: { scope?: { name?: string; version?: string }; spans?: RawSpan[] }[] }[];
}

function flatten(request: RawRequest, protocol: OtlpProtocol): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version || undefined };
      for (const span of scopeSpans.spans ?? []) {
        const parent = span.parentSpanId === undefined ? '' : idOf(span.parentSpanId, protocol);
        spans.push({
          name: span.name,
          kind: SPAN_KINDS[span.kind ?? 0] ?? 'UNSPECIFIED',
          traceId: idOf(span.traceId, protocol),
          spanId: idOf(span.spanId, protocol),
          parentSpanId: parent === '' ? undefined : parent,
          startTimeUnixNano: BigInt(span.startTimeUnixNano),
          endTimeUnixNano: BigInt(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          status: { code: span.status?.code ?? 0, message: span.status?.message || undefined },
          events: (span.events ?? []).map((event) => ({ name: event.name, attributes: attributesOf(event.attributes) })),
          resource,
          scope,
        });
      }
    }
  }
  return spans;
}

/** Protobuf ids are bytes; OTLP/JSON ids are lower-case hex (not base64, unlike the generic proto JSON mapping). */
function idOf(id: number[] | string, protocol: OtlpProtocol): string {
  if (protocol === 'http/json') {
    if (typeof id !== 'string' || !/^([0-9a-f]{2})*$/.test(id)) throw new Error(`OTLP/JSON id is not lower-case hex: ${JSON.stringify(id)}`);
    return id;
  }
  return Buffer.from(id as number[]).toString('hex');
}

/** An OTLP attribute list (protobuf `toObject` or OTLP/JSON shape) as a plain map. */
export function attributesOf(list: RawKeyValue[] | undefined): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) result[key] = valueOf(value);
  return result;
}

function valueOf(value: RawAnyValue | undefined): AttributeValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue as number[]).toString('base64');
  return null;
}
