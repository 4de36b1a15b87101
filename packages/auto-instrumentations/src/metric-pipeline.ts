import { diag, metrics } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type * as GrpcMetricExporter from '@opentelemetry/exporter-metrics-otlp-grpc';
import type * as JsonMetricExporter from '@opentelemetry/exporter-metrics-otlp-http';
import type * as ProtoMetricExporter from '@opentelemetry/exporter-metrics-otlp-proto';
import type * as SdkMetrics from '@opentelemetry/sdk-metrics';
import type { MeterProvider, MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { localRequire } from './local-require.js';
import { metricsEnabled, type ResolvedMetricsConfig } from './metrics-config.js';

/** The MeterProvider behind the GenAI metrics, when any metric exporter or reader is on. */
export interface MetricPipeline {
  /** Registered as the global MeterProvider; undefined when metrics are off (then nothing is measured). */
  provider: MeterProvider | undefined;
  /** Whether `provider` became the global MeterProvider (false: another was registered first). */
  registeredGlobally: boolean;
  /** Collects and exports now, within `budgetMillis`. */
  forceFlush(budgetMillis: number): Promise<void>;
  /** Exports what is left and stops, within `budgetMillis` (a collector that is down never holds the process). */
  shutdown(budgetMillis: number): Promise<void>;
}

/**
 * Builds the MeterProvider (periodic OTLP and/or console export, plus `extraReaders`) and registers it
 * as the global one, so that every instrumentation's meter (OTel's `metrics.getMeter`, handed over by
 * `registerInstrumentations`) records into it. With metrics off, nothing is loaded and nothing registered:
 * the instrumentations then see the API's no-op meter and measure nothing.
 */
export function createMetricPipeline(config: ResolvedMetricsConfig, resource: Resource, extraReaders: readonly MetricReader[] = []): MetricPipeline {
  if (!metricsEnabled(config) && extraReaders.length === 0) {
    return { provider: undefined, registeredGlobally: false, forceFlush: async () => {}, shutdown: async () => {} };
  }
  // Loaded only when asked for: an app without metrics pays nothing for them at start-up.
  const sdk = localRequire('@opentelemetry/sdk-metrics') as typeof SdkMetrics;
  const periodic = (exporter: PushMetricExporter) =>
    new sdk.PeriodicExportingMetricReader({ exporter, exportIntervalMillis: config.exportIntervalMillis, exportTimeoutMillis: config.exportTimeoutMillis });
  const readers: MetricReader[] = [];
  if (config.otlp) readers.push(periodic(createOtlpMetricExporter(config.otlp)));
  if (config.console) readers.push(periodic(new sdk.ConsoleMetricExporter()));
  readers.push(...extraReaders);
  const provider = new sdk.MeterProvider({ resource, readers });
  const registeredGlobally = metrics.setGlobalMeterProvider(provider);
  if (!registeredGlobally) {
    diag.warn(
      '@llm-provenance/auto-instrumentations: a global MeterProvider was already registered; the llm-provenance instrumentations record the GenAI metrics into ours, other libraries into that one',
    );
  }
  let shutdownPromise: Promise<void> | undefined;
  return {
    provider,
    registeredGlobally,
    forceFlush: (budgetMillis) => bounded(provider.forceFlush(), budgetMillis, 'metrics flush'),
    shutdown: (budgetMillis) =>
      (shutdownPromise ??= bounded(provider.shutdown(), budgetMillis, 'metrics shutdown').finally(() => {
        // Ours no more: a later start() in the same process may register its own.
        if (metrics.getMeterProvider() === provider) metrics.disable();
      })),
  };
}

type Config = Exclude<ResolvedMetricsConfig['otlp'], false>;

/** The OTLP metric exporter for the protocol; the exporter package is loaded only for the one in use. */
function createOtlpMetricExporter(options: Config): PushMetricExporter {
  const common = {
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.timeoutMillis !== undefined ? { timeoutMillis: options.timeoutMillis } : {}),
  };
  const http = { ...common, ...(options.headers !== undefined ? { headers: options.headers } : {}) };
  switch (options.protocol) {
    case 'grpc': {
      const grpc = localRequire('@opentelemetry/exporter-metrics-otlp-grpc') as typeof GrpcMetricExporter;
      return new grpc.OTLPMetricExporter(common);
    }
    case 'http/json': {
      const json = localRequire('@opentelemetry/exporter-metrics-otlp-http') as typeof JsonMetricExporter;
      return new json.OTLPMetricExporter(http);
    }
    case 'http/protobuf': {
      const proto = localRequire('@opentelemetry/exporter-metrics-otlp-proto') as typeof ProtoMetricExporter;
      return new proto.OTLPMetricExporter(http);
    }
  }
}

/** `work`, or a warning when it takes longer than `millis` (the export itself goes on in the background). */
function bounded(work: Promise<void>, millis: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      diag.warn(`@llm-provenance/auto-instrumentations: ${what} did not finish within ${millis} ms; metrics not yet exported are dropped`);
      resolve();
    }, millis);
    timer.unref();
  });
  const done = work.then(
    () => {},
    (error: unknown) => diag.warn(`@llm-provenance/auto-instrumentations: ${what} failed: ${error instanceof Error ? error.message : String(error)}`),
  );
  return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
}
