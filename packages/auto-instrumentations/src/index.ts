export { start, type ProvenanceSDK, type StartInternals } from './start.js';
export { entryIsEsModule, patchedFileUrls, patchedModuleNames } from './esm-hook.js';
export { registerFromEnvironment, type RegisterOptions } from './register.js';
export {
  resolveConfig,
  ConfigError,
  DEFAULT_STORE_DIR,
  DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
  DEFAULT_SHUTDOWN_BUDGET_MILLIS,
  type ResolvedConfig,
} from './config.js';
export type { StartOptions, StoreOptions, OtlpCompression, OtlpOptions, OtlpProtocol, ResolvedOtlpOptions } from './options.js';
export {
  resolveMetricsConfig,
  DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS,
  DEFAULT_METRIC_EXPORT_TIMEOUT_MILLIS,
  type MetricsOptions,
  type OtlpMetricsOptions,
  type OtlpMetricsProtocol,
  type ResolvedMetricsConfig,
} from './metrics-config.js';
export { INSTRUMENTATIONS } from './instrumentations.js';
export { backend, type InstrumentationEntry } from './backend.js';
export { loadInstrumentations, type LoadInstrumentationsOptions, type LoadedInstrumentations, type SkippedInstrumentation } from './load-instrumentations.js';
export { buildResource, type ResourceOptions } from './resource.js';
export { appPackageName, UNKNOWN_SERVICE_NAME } from './service-name.js';
// The attribution API (withAttribution, taskMessage, installHttpPropagation, ...): attribution.ts lists it.
export * from './attribution.js';
export { routeCall, routeWithFallback, type RouteDecision, type RouteBackend, type FallbackOptions } from '@llm-provenance/instrumentation-common';
