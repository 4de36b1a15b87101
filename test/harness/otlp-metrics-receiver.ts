/**
 * Loopback OTLP metrics receivers (127.0.0.1, random port) for end-to-end tests, over gRPC and over HTTP.
 * The HTTP one accepts POST
 * /v1/metrics as application/x-protobuf or application/json (optionally gzip-encoded) and decodes each
 * request with the official opentelemetry-proto definitions (the protobufjs root shipped in
 * @opentelemetry/otlp-transformer@0.216.0, installed as `otlp-transformer-protos`); OTLP/JSON bodies are
 * read per the OTLP/JSON mapping (int64 as decimal strings or numbers).
 */
import { createServer } from 'node:http';
import { startGrpcExportServer } from './grpc-export-server.js';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { attributesOf, type AttributeValue, type OtlpProtocol, type RawKeyValue } from './otlp-decode.js';

const require = createRequire(import.meta.url);

interface ProtoType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
  encode(message: object): { finish(): Uint8Array };
}
const protoRoot = require('otlp-transformer-protos/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: ProtoType; ExportMetricsServiceResponse: ProtoType } } } } };
};
const { ExportMetricsServiceRequest, ExportMetricsServiceResponse } = protoRoot.opentelemetry.proto.collector.metrics.v1;

/** One data point: a histogram's count, sum, bucket bounds and counts, or a sum's value. */
export interface OtlpMetricPoint {
  attributes: Record<string, AttributeValue>;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  explicitBounds?: number[];
  bucketCounts?: number[];
  value?: number;
}

export interface OtlpMetric {
  name: string;
  unit: string;
  description: string;
  type: 'histogram' | 'sum' | 'gauge' | 'other';
  /** AggregationTemporality: 1 delta, 2 cumulative. */
  temporality: number | undefined;
  isMonotonic: boolean | undefined;
  points: OtlpMetricPoint[];
  resource: Record<string, AttributeValue>;
  scope: { name: string; version: string | undefined };
}

export interface OtlpMetricsReceiver {
  /** Full metrics URL for OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, e.g. `http://127.0.0.1:4567/v1/metrics`. */
  readonly url: string;
  readonly requests: { protocol: OtlpProtocol; metrics: OtlpMetric[] }[];
  readonly rejected: string[];
  /** Every metric received, in arrival order. */
  metrics(): OtlpMetric[];
  close(): Promise<void>;
}

export async function startOtlpMetricsReceiver(): Promise<OtlpMetricsReceiver> {
  const requests: OtlpMetricsReceiver['requests'] = [];
  const rejected: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const contentType = req.headers['content-type']?.split(';')[0]?.trim();
      const protocol: OtlpProtocol | undefined =
        contentType === 'application/x-protobuf' ? 'http/protobuf' : contentType === 'application/json' ? 'http/json' : undefined;
      const reject = (status: number, reason: string) => {
        rejected.push(reason);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
      };
      if (req.method !== 'POST' || req.url !== '/v1/metrics') return reject(404, `no route for ${req.method} ${req.url}`);
      if (!protocol) return reject(415, `unsupported content-type ${contentType}`);
      try {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        requests.push({ protocol, metrics: decodeMetricsExport(body, protocol) });
      } catch (error) {
        return reject(400, `cannot decode ${protocol} body: ${(error as Error).message}`);
      }
      if (protocol === 'http/protobuf') {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(ExportMetricsServiceResponse.encode({}).finish()));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    requests,
    rejected,
    metrics: () => requests.flatMap((request) => request.metrics),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

interface RawPoint {
  attributes?: RawKeyValue[];
  count?: string | number;
  sum?: number;
  min?: number;
  max?: number;
  explicitBounds?: number[];
  bucketCounts?: Array<string | number>;
  asDouble?: number;
  asInt?: string | number;
}
interface RawMetric {
  name: string;
  unit?: string;
  description?: string;
  histogram?: { dataPoints?: RawPoint[]; aggregationTemporality?: number };
  sum?: { dataPoints?: RawPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  gauge?: { dataPoints?: RawPoint[] };
}
interface RawRequest {
  resourceMetrics?: { resource?: { attributes?: RawKeyValue[] }; scopeMetrics?: { scope?: { name?: string; version?: string }; metrics?: RawMetric[] }[] }[];
}

export interface OtlpGrpcMetricsReceiver {
  /** Endpoint for OTEL_EXPORTER_OTLP_METRICS_ENDPOINT with the `grpc` protocol, e.g. `http://127.0.0.1:4567`. */
  readonly url: string;
  readonly requests: { protocol: 'grpc'; metrics: OtlpMetric[] }[];
  metrics(): OtlpMetric[];
  close(): Promise<void>;
}

/**
 * A loopback OTLP/gRPC metrics receiver: `opentelemetry.proto.collector.metrics.v1.MetricsService/Export`
 * served by @grpc/grpc-js, whose messages are (de)serialised with the official protos' generated root.
 */
export async function startOtlpGrpcMetricsReceiver(): Promise<OtlpGrpcMetricsReceiver> {
  const requests: OtlpGrpcMetricsReceiver['requests'] = [];
  const server = await startGrpcExportServer('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', (request) => {
    requests.push({ protocol: 'grpc', metrics: decodeMetricsExport(request, 'http/protobuf') });
    return ExportMetricsServiceResponse.encode({}).finish();
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    metrics: () => requests.flatMap((request) => request.metrics),
    close: () => Promise.resolve(server.close()),
  };
}

/** Decodes one export request body (protobuf bytes for http/protobuf and gRPC alike). Throws on a body that is not a valid request in `protocol`. */
export function decodeMetricsExport(body: Uint8Array, protocol: OtlpProtocol): OtlpMetric[] {
  const request = (
    protocol === 'http/protobuf'
      ? ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(body), { longs: String, enums: Number, defaults: false, arrays: true })
      : JSON.parse(Buffer.from(body).toString('utf8'))
  ) as RawRequest;
  const out: OtlpMetric[] = [];
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resource = attributesOf(resourceMetrics.resource?.attributes);
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      const scope = { name: scopeMetrics.scope?.name ?? '', version: scopeMetrics.scope?.version || undefined };
      for (const metric of scopeMetrics.metrics ?? []) {
        const data = metric.histogram ?? metric.sum ?? metric.gauge;
        out.push({
          name: metric.name,
          unit: metric.unit ?? '',
          description: metric.description ?? '',
          type: metric.histogram ? 'histogram' : metric.sum ? 'sum' : metric.gauge ? 'gauge' : 'other',
          temporality: metric.histogram?.aggregationTemporality ?? metric.sum?.aggregationTemporality,
          isMonotonic: metric.sum?.isMonotonic,
          points: (data?.dataPoints ?? []).map((point) => pointOf(point, metric.histogram !== undefined)),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

function pointOf(point: RawPoint, histogram: boolean): OtlpMetricPoint {
  const attributes = attributesOf(point.attributes);
  if (!histogram) return { attributes, value: point.asDouble ?? Number(point.asInt) };
  return {
    attributes,
    count: Number(point.count ?? 0),
    sum: point.sum,
    min: point.min,
    max: point.max,
    explicitBounds: point.explicitBounds ?? [],
    bucketCounts: (point.bucketCounts ?? []).map(Number),
  };
}
