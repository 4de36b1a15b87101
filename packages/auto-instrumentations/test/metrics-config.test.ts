import { describe, expect, it } from 'vitest';
import { ConfigError, resolveMetricsConfig } from '@llm-provenance/auto-instrumentations';

const off = { otlp: false, console: false, exportIntervalMillis: 60000, exportTimeoutMillis: 30000 };

describe('resolveMetricsConfig', () => {
  it('leaves metrics off when nothing asks for them, even with an OTLP endpoint for traces', () => {
    expect(resolveMetricsConfig(undefined, {})).toEqual(off);
    expect(resolveMetricsConfig(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual(off);
    expect(resolveMetricsConfig(undefined, { OTEL_METRICS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://x/v1/metrics' })).toEqual(off);
  });

  it('turns OTLP on for OTEL_METRICS_EXPORTER=otlp or a metrics endpoint, with the metrics protocol winning', () => {
    expect(resolveMetricsConfig(undefined, { OTEL_METRICS_EXPORTER: 'otlp' })).toEqual({ ...off, otlp: { protocol: 'http/protobuf' } });
    expect(resolveMetricsConfig(undefined, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://x/v1/metrics' }).otlp).toEqual({ protocol: 'http/protobuf' });
    const env = { OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    expect(resolveMetricsConfig(undefined, env).otlp).toEqual({ protocol: 'http/json' });
    expect(resolveMetricsConfig(undefined, { ...env, OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'grpc' }).otlp).toEqual({ protocol: 'grpc' });
  });

  it('prints to the console for OTEL_METRICS_EXPORTER=console, alone or with otlp', () => {
    expect(resolveMetricsConfig(undefined, { OTEL_METRICS_EXPORTER: 'console' })).toEqual({ ...off, console: true });
    expect(resolveMetricsConfig(undefined, { OTEL_METRICS_EXPORTER: ' Console , OTLP ' })).toEqual({
      ...off,
      console: true,
      otlp: { protocol: 'http/protobuf' },
    });
  });

  it('reads the export interval and timeout, clamping the timeout to the interval', () => {
    expect(resolveMetricsConfig(undefined, { OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '5000' })).toEqual({
      ...off,
      otlp: { protocol: 'http/protobuf' },
      exportIntervalMillis: 5000,
      exportTimeoutMillis: 5000,
    });
    expect(resolveMetricsConfig(undefined, { OTEL_METRIC_EXPORT_INTERVAL: '5000', OTEL_METRIC_EXPORT_TIMEOUT: '1000' })).toMatchObject({
      exportIntervalMillis: 5000,
      exportTimeoutMillis: 1000,
    });
  });

  it('lets options win over the environment', () => {
    const env = { OTEL_METRICS_EXPORTER: 'otlp,console', OTEL_METRIC_EXPORT_INTERVAL: '5000' };
    expect(resolveMetricsConfig(false, env)).toEqual({ ...off, exportIntervalMillis: 5000, exportTimeoutMillis: 5000 });
    expect(resolveMetricsConfig({ otlp: { protocol: 'http/json', url: 'http://y/v1/metrics' }, console: false, exportIntervalMillis: 100 }, env)).toEqual({
      otlp: { protocol: 'http/json', url: 'http://y/v1/metrics' },
      console: false,
      exportIntervalMillis: 100,
      exportTimeoutMillis: 100,
    });
  });

  it('names the variable and the value it cannot use', () => {
    expect(() => resolveMetricsConfig(undefined, { OTEL_METRICS_EXPORTER: 'prometheus' })).toThrow(
      new ConfigError('OTEL_METRICS_EXPORTER: unsupported exporter "prometheus" (supported: otlp, console, none)'),
    );
    expect(() => resolveMetricsConfig(undefined, { OTEL_METRICS_EXPORTER: 'none,otlp' })).toThrow(
      new ConfigError('OTEL_METRICS_EXPORTER: "none" cannot be combined with other exporters (got "none,otlp")'),
    );
    expect(() => resolveMetricsConfig(undefined, { OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'thrift' })).toThrow(
      new ConfigError('OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: unsupported OTLP protocol "thrift" for metrics (supported: http/protobuf, http/json, grpc)'),
    );
    expect(() => resolveMetricsConfig(undefined, { OTEL_METRIC_EXPORT_INTERVAL: '0' })).toThrow(
      new ConfigError('OTEL_METRIC_EXPORT_INTERVAL: expected a positive whole number of milliseconds, got "0"'),
    );
  });
});
