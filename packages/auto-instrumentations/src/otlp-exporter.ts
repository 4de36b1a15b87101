import { createRequire } from 'node:module';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { localRequire } from './local-require.js';
import type { ResolvedOtlpOptions } from './options.js';

type GrpcExporterModule = typeof import('@opentelemetry/exporter-trace-otlp-grpc');
type GrpcExporterConfig = NonNullable<ConstructorParameters<GrpcExporterModule['OTLPTraceExporter']>[0]>;
type HttpExporterConfig = NonNullable<ConstructorParameters<typeof OTLPProtoTraceExporter>[0]>;

const GRPC_EXPORTER = '@opentelemetry/exporter-trace-otlp-grpc';

/**
 * The OTLP trace exporter for `options.protocol` (https://opentelemetry.io/docs/specs/otel/protocol/exporter/).
 * `url` is always resolved (config.ts applies the endpoint rules); headers, timeout and compression left
 * undefined are read by the exporter itself from OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, _TIMEOUT, _COMPRESSION.
 */
export function createOtlpTraceExporter(options: ResolvedOtlpOptions): SpanExporter {
  const shared = {
    url: options.url,
    ...(options.timeoutMillis !== undefined ? { timeoutMillis: options.timeoutMillis } : {}),
    ...(options.compression !== undefined ? { compression: options.compression as HttpExporterConfig['compression'] } : {}),
  };
  if (options.protocol === 'grpc') return createGrpcTraceExporter(shared, options.headers);
  const config: HttpExporterConfig = { ...shared, ...(options.headers !== undefined ? { headers: options.headers } : {}) };
  return options.protocol === 'http/json' ? new OTLPJsonTraceExporter(config) : new OTLPProtoTraceExporter(config);
}

/**
 * Loaded on first use: the gRPC exporter pulls in @grpc/grpc-js, which an app exporting over HTTP (or not
 * at all) should not pay for at start-up. Headers become gRPC metadata, built with the helper of the
 * exporter's own base package so that the Metadata class is the one its @grpc/grpc-js copy expects.
 */
function createGrpcTraceExporter(shared: Omit<HttpExporterConfig, 'headers'>, headers: Record<string, string> | undefined): SpanExporter {
  const { OTLPTraceExporter } = localRequire(GRPC_EXPORTER) as GrpcExporterModule;
  const config: GrpcExporterConfig = { ...(shared as GrpcExporterConfig) };
  if (headers !== undefined) {
    const exporterRequire = createRequire(localRequire.resolve(GRPC_EXPORTER));
    const { createEmptyMetadata } = exporterRequire('@opentelemetry/otlp-grpc-exporter-base') as {
      createEmptyMetadata(): NonNullable<GrpcExporterConfig['metadata']>;
    };
    const metadata = createEmptyMetadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    config.metadata = metadata;
  }
  return new OTLPTraceExporter(config);
}
