import type { Resource } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { resolveConfig, type ResolvedConfig } from './config.js';
import { addEsmLoaderFiles, patchedFileUrls, patchedModuleNames, registerEsmLoaderHook } from './esm-hook.js';
import { installExitHooks } from './exit-hooks.js';
import { INSTRUMENTATIONS } from './instrumentations.js';
import { loadInstrumentations, type SkippedInstrumentation } from './load-instrumentations.js';
import { createMetricPipeline } from './metric-pipeline.js';
import {
  DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS,
  DEFAULT_METRIC_EXPORT_TIMEOUT_MILLIS,
  resolveMetricsConfig,
  type ResolvedMetricsConfig,
} from './metrics-config.js';
import type { StartOptions } from './options.js';
import { buildResource } from './resource.js';
import { createSpanPipeline } from './span-pipeline.js';

/** A started (or disabled) llm-provenance SDK. */
export interface ProvenanceSDK {
  /** False when OTEL_SDK_DISABLED / `disabled` turned everything off. */
  readonly enabled: boolean;
  /** The configuration in effect. */
  readonly config: ResolvedConfig;
  /** Where the GenAI metrics go (off unless OTEL_METRICS_EXPORTER or `options.metrics` asks). */
  readonly metrics: ResolvedMetricsConfig;
  /** Absolute store directory, or undefined when the store is off. */
  readonly storeDir: string | undefined;
  /** Id of the store log this process writes, or undefined when the store is off. */
  readonly storeLogId: string | undefined;
  /** Names of the built-in instrumentations that were loaded. */
  readonly instrumentations: readonly string[];
  /** Built-in instrumentations that failed to load and were skipped. */
  readonly skipped: readonly SkippedInstrumentation[];
  /** Names of the modules the loaded instrumentations patch (e.g. `openai`, `@anthropic-ai/sdk`). */
  readonly patchedModules: readonly string[];
  /** Whether the ES module loader hook was registered (so `import` is patched as well as `require`). */
  readonly esmLoaderHook: boolean;
  readonly resource: Resource | undefined;
  /** Resolves once the ES module loader hook knows every module to patch (at once without the hook). */
  readonly ready: Promise<void>;
  /** Exports everything buffered and checkpoints the store; tracing continues. */
  forceFlush(): Promise<void>;
  /** Flushes, checkpoints and stops tracing. Safe to call more than once. */
  shutdown(): Promise<void>;
}

export interface StartInternals {
  /**
   * Register the import-in-the-middle loader hook: `true` before the instrumentations are constructed (they
   * announce their modules over its channel; await `ready`), `'after'` once they are, with their module names
   * in the registration (for synchronous callers such as a `--require` preload).
   */
  esmLoaderHook?: boolean | 'after';
}

/**
 * Starts the OpenTelemetry NodeSDK with every llm-provenance instrumentation, the provenance store and,
 * when asked for, OTLP/console export. Options override the environment variables (README.md).
 * Throws ConfigError when a setting cannot be used.
 */
export function start(options: StartOptions = {}, internals: StartInternals = {}): ProvenanceSDK {
  const env = options.env ?? process.env;
  const config = resolveConfig(options, env);
  if (config.disabled) return disabledSDK(config);
  const metricsConfig = resolveMetricsConfig(options.metrics, env);

  // The Anthropic SDK emits its own OTel spans once a tracer provider exists; our instrumentation reports
  // those calls already, and nobody wants two spans per call.
  if (process.env.ANTHROPIC_OPEN_TELEMETRY === undefined) process.env.ANTHROPIC_OPEN_TELEMETRY = 'false';

  // The store opens first: if it cannot, nothing has been patched yet.
  const resource = buildResource({ serviceName: config.serviceName, attributes: options.resourceAttributes });
  // Registered before the SDK starts: registerInstrumentations hands the global MeterProvider to every instrumentation.
  const metricPipeline = createMetricPipeline(metricsConfig, resource, options.metricReaders);
  const pipeline = createSpanPipeline(config, options.spanExporters);
  // The loader hook must exist before the instrumentations are constructed: constructing one is what
  // tells the hook which modules to wrap.
  let ready = internals.esmLoaderHook === true ? registerEsmLoaderHook() : () => Promise.resolve();
  const loaded = options.instrumentations
    ? { instrumentations: options.instrumentations, loaded: [], skipped: [] }
    : loadInstrumentations(INSTRUMENTATIONS, {
        enabled: config.enabledInstrumentations,
        disabled: config.disabledInstrumentations,
        config: options.instrumentationConfig,
      });
  const patchedModules = patchedModuleNames(loaded.instrumentations);
  const patchedFiles = internals.esmLoaderHook ? patchedFileUrls(loaded.instrumentations, process.argv[1]) : [];
  if (internals.esmLoaderHook === 'after') ready = registerEsmLoaderHook([...patchedModules, ...patchedFiles]);
  else if (internals.esmLoaderHook === true) addEsmLoaderFiles(patchedFiles);

  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    instrumentations: loaded.instrumentations,
    spanProcessors: pipeline.processors,
    // Metrics are ours (metric-pipeline.ts, registered above); logs only when explicitly asked for: the
    // NodeSDK would otherwise default to OTLP on localhost:4318 and log connection errors in every app
    // that has no collector.
    metricReaders: [],
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  // Another MeterProvider was global already: registerInstrumentations handed that one over, so ours is set directly.
  if (metricPipeline.provider && !metricPipeline.registeredGlobally) {
    for (const instrumentation of loaded.instrumentations) instrumentation.setMeterProvider(metricPipeline.provider);
  }

  let shutdownPromise: Promise<void> | undefined;
  const budget = config.shutdownBudgetMillis;
  const forceFlush = async () => {
    await Promise.all([pipeline.forceFlush(), metricPipeline.forceFlush(budget)]);
  };
  const uninstallExitHooks = config.exitHooks
    ? installExitHooks(
        {
          flush: async () => {
            await Promise.all([pipeline.flushForSignal(), metricPipeline.forceFlush(budget)]);
          },
          shutdown: () => shutdown(),
          // Metrics cannot be exported synchronously: those recorded since the last export are lost at process.exit().
          flushSync: () => pipeline.flushSync(),
        },
        // A safety net only: the store processor bounds its own shutdown by the budget.
        { timeoutMillis: Math.max(config.shutdownBudgetMillis, config.shutdownTimeoutMillis) + 2000 },
      )
    : () => {};
  const shutdown = () => {
    shutdownPromise ??= (async () => {
      // The tracer provider flushes its processors and shuts the exporters down (the store checkpoints);
      // meanwhile the last metrics are exported, within the shutdown budget.
      // The hooks stay until that is done: a process.exit() meanwhile still gets the synchronous store flush.
      try {
        await Promise.all([sdk.shutdown(), metricPipeline.shutdown(budget)]);
      } finally {
        uninstallExitHooks();
      }
      for (const instrumentation of loaded.instrumentations) instrumentation.disable();
    })();
    return shutdownPromise;
  };

  return {
    enabled: true,
    config,
    metrics: metricsConfig,
    storeDir: pipeline.store?.dir,
    storeLogId: pipeline.store?.logId,
    instrumentations: loaded.loaded,
    skipped: loaded.skipped,
    patchedModules,
    esmLoaderHook: Boolean(internals.esmLoaderHook),
    resource,
    ready: ready(),
    forceFlush,
    shutdown,
  };
}

function disabledSDK(config: ResolvedConfig): ProvenanceSDK {
  return {
    enabled: false,
    config,
    metrics: {
      otlp: false,
      console: false,
      exportIntervalMillis: DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS,
      exportTimeoutMillis: DEFAULT_METRIC_EXPORT_TIMEOUT_MILLIS,
    },
    storeDir: undefined,
    storeLogId: undefined,
    instrumentations: [],
    skipped: [],
    patchedModules: [],
    esmLoaderHook: false,
    resource: undefined,
    ready: Promise.resolve(),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
}
