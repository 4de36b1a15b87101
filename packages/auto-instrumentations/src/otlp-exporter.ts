import { createRequire } from 'node:module';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { OTLPTraceExporter as OTLPGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { localRequire } from './local-require.js';
import type { ResolvedOtlpOptions } from './options.js';

// Types only (erased from the build): the module itself is required on first use, below.
type GrpcExporterModule = { OTLPTraceExporter: typeof OTLPGrpcTraceExporter };
type GrpcExporterConfig = NonNullable<ConstructorParameters<typeof OTLPGrpcTraceExporter>[0]>;
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
 * Required on first use, so that choosing HTTP never depends on the gRPC exporter (the NodeSDK happens to
 * require the package for its own env-based setup; @grpc/grpc-js itself is loaded by the exporter only when
 * it first connects, so an app that exports over HTTP, or not at all, never loads it). Headers become gRPC
 * metadata, built with the helper of the exporter's own base package so that the Metadata class is the one
 * its @grpc/grpc-js copy expects.
 */
function createGrpcTraceExporter(shared: Omit<HttpExporterConfig, 'headers'>, headers: Record<string, string> | undefined): SpanExporter {
  const { OTLPTraceExporter } = localRequire(GRPC_EXPORTER) as GrpcExporterModule;
  const config: GrpcExporterConfig = { ...(shared as GrpcExporterConfig) };
  if (headers !== undefined) {
    const exporterRequire = createRequire(localRequire.resolve(GRPC_EXPORTER));
    const exporterBase = exporterRequire('@opentelemetry/otlp-grpc-exporter-base') as {
      createEmptyMetadata: () => NonNullable<GrpcExporterConfig['metadata']>;
    };
    const metadata = exporterBase.createEmptyMetadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    config.metadata = metadata;
  }
  return new OTLPTraceExporter(config);
}
