export { repoRoot, nodeMajor, compatPackage, loadSdk, installedVersion } from './repo.js';
export { registerGlobally, setupTracing, SpanRecorder, waitForSpans, type Tracing, type TracingOptions, type WaitForSpansOptions } from './tracing.js';
export { captureDiagWarnings, collectDiagWarnings } from './diag.js';
export { useEmulator, resetBeforeEach } from './emulator.js';
export { testTempDir } from './temp-dir.js';
export { setupMetrics, type CollectedMetric, type CollectedPoint, type MetricsCapture } from './metrics.js';
export {
  TOKEN_BOUNDARIES,
  SECONDS_BOUNDARIES,
  METRIC_DESCRIPTIONS,
  expectedMetric,
  tokenPoint,
  secondsPoint,
  costPoint,
  expectConsistentTimings,
} from './metrics-expectations.js';
export { HAVE_REDIS_SERVER, startRedisServer, type RedisServer } from './redis-server.mjs';
