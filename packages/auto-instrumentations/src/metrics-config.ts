import { ConfigError } from './config.js';

/** OTLP transports the metric exporter can use. */
export type OtlpMetricsProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Where GenAI metrics go (see README.md, "Metrics"). */
export interface MetricsOptions {
  /** Export over OTLP. `false` turns it off. Default: on when OTEL_METRICS_EXPORTER names `otlp`. */
  otlp?: false | OtlpMetricsOptions;
  /** Also print metrics with the SDK's ConsoleMetricExporter. Default: OTEL_METRICS_EXPORTER names `console`. */
  console?: boolean;
  /** Milliseconds between exports. Default: OTEL_METRIC_EXPORT_INTERVAL, else 60000. */
  exportIntervalMillis?: number;
  /** Longest one export may take, at most the interval. Default: OTEL_METRIC_EXPORT_TIMEOUT, else 30000. */
  exportTimeoutMillis?: number;
}

export interface OtlpMetricsOptions {
  /** Default: OTEL_EXPORTER_OTLP_METRICS_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL, then `http/protobuf`. */
  protocol?: OtlpMetricsProtocol;
  /** Full metrics URL, e.g. `http://127.0.0.1:4318/v1/metrics`. Default: the exporter reads the OTLP env vars. */
  url?: string;
  /** Extra HTTP headers (http/protobuf and http/json; over gRPC the exporter reads OTEL_EXPORTER_OTLP_(METRICS_)HEADERS only). Default: the exporter reads those variables. */
  headers?: Record<string, string>;
  /** Per-request timeout. Default: the exporter reads OTEL_EXPORTER_OTLP_(METRICS_)TIMEOUT (10 s). */
  timeoutMillis?: number;
}

/** The metrics configuration after options, environment variables and defaults are combined. */
export interface ResolvedMetricsConfig {
  otlp: false | (OtlpMetricsOptions & { protocol: OtlpMetricsProtocol });
  console: boolean;
  exportIntervalMillis: number;
  exportTimeoutMillis: number;
}

export const DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS = 60_000;
export const DEFAULT_METRIC_EXPORT_TIMEOUT_MILLIS = 30_000;
const PROTOCOLS: readonly OtlpMetricsProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
const METRICS_EXPORTERS = ['otlp', 'console', 'none'] as const;

type Env = Record<string, string | undefined>;

/**
 * Combines `options` (wins), the standard variables (OTEL_METRICS_EXPORTER, OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL,
 * OTEL_METRIC_EXPORT_INTERVAL / _TIMEOUT) and defaults. Throws ConfigError on unusable values.
 *
 * Metrics are off unless asked for. The SDK environment specification defaults OTEL_METRICS_EXPORTER to
 * `otlp`; we do not, for the reason traces do not: the store is the default sink, and an app pointed at
 * an OTLP endpoint for traces only (Jaeger, for one, accepts no metrics) would log a failed export every
 * interval. Setting OTEL_METRICS_EXPORTER, or a metrics-specific endpoint
 * (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT), asks for them.
 */
export function resolveMetricsConfig(options: false | MetricsOptions | undefined, env: Env): ResolvedMetricsConfig {
  const exporters = readMetricsExporters(env);
  const given = options === false ? { otlp: false as const, console: false } : (options ?? {});

  let otlp: ResolvedMetricsConfig['otlp'] = false;
  if (given.otlp !== undefined) {
    otlp = given.otlp === false ? false : { ...given.otlp, protocol: checkProtocol(given.otlp.protocol ?? readProtocol(env), 'options.metrics.otlp.protocol') };
  } else if (exporters.length > 0 ? exporters.includes('otlp') : nonEmpty(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) !== undefined) {
    otlp = { protocol: readProtocol(env) };
  }

  const exportIntervalMillis = given.exportIntervalMillis ?? readMillis(env, 'OTEL_METRIC_EXPORT_INTERVAL', DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS);
  checkPositive(exportIntervalMillis, 'options.metrics.exportIntervalMillis');
  // Like the NodeSDK: a timeout longer than the interval is clamped to it (the reader refuses it otherwise).
  const exportTimeoutMillis = Math.min(
    exportIntervalMillis,
    given.exportTimeoutMillis ?? readMillis(env, 'OTEL_METRIC_EXPORT_TIMEOUT', DEFAULT_METRIC_EXPORT_TIMEOUT_MILLIS),
  );
  checkPositive(exportTimeoutMillis, 'options.metrics.exportTimeoutMillis');

  return { otlp, console: given.console ?? exporters.includes('console'), exportIntervalMillis, exportTimeoutMillis };
}

/** Whether any metric exporter is on. */
export function metricsEnabled(config: ResolvedMetricsConfig): boolean {
  return config.otlp !== false || config.console;
}

function readMetricsExporters(env: Env): string[] {
  const value = nonEmpty(env.OTEL_METRICS_EXPORTER);
  if (value === undefined) return [];
  const names = [
    ...new Set(
      value
        .split(',')
        .map((item) => item.trim().toLowerCase())
        .filter((item) => item.length > 0),
    ),
  ];
  for (const name of names) {
    if (!(METRICS_EXPORTERS as readonly string[]).includes(name)) {
      throw new ConfigError(`OTEL_METRICS_EXPORTER: unsupported exporter "${name}" (supported: ${METRICS_EXPORTERS.join(', ')})`);
    }
  }
  if (names.includes('none') && names.length > 1) {
    throw new ConfigError(`OTEL_METRICS_EXPORTER: "none" cannot be combined with other exporters (got "${value}")`);
  }
  return names;
}

function readProtocol(env: Env): OtlpMetricsProtocol {
  const metricsProtocol = nonEmpty(env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL);
  if (metricsProtocol !== undefined) return checkProtocol(metricsProtocol, 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL');
  const protocol = nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol !== undefined) return checkProtocol(protocol, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  return 'http/protobuf';
}

function checkProtocol(value: string, source: string): OtlpMetricsProtocol {
  if ((PROTOCOLS as readonly string[]).includes(value)) return value as OtlpMetricsProtocol;
  throw new ConfigError(`${source}: unsupported OTLP protocol "${value}" for metrics (supported: ${PROTOCOLS.join(', ')})`);
}

function readMillis(env: Env, name: string, fallback: number): number {
  const value = nonEmpty(env[name]);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new ConfigError(`${name}: expected a positive whole number of milliseconds, got "${value}"`);
  return parsed;
}

function checkPositive(value: number, source: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${source} must be a positive number of milliseconds, got ${value}`);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
