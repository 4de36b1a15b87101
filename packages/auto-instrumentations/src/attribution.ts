// The attribution API, re-exported so that an app needs only this package: `register` for tracing and
// `withAttribution` for saying on whose behalf (user, task, worker, route) its model calls run, and
// `taskMessage`/`runWithTaskContext` for carrying that to worker_threads and child_process.fork children.
// The implementation lives in @llm-provenance/instrumentation-common (src/attribution.ts there).
export {
  withAttribution,
  setAttribution,
  readAttribution,
  attributionOf,
  taskMessage,
  runWithTaskContext,
  isTaskMessage,
  ATTRIBUTION_VALUE_MAX_LENGTH,
  BAGGAGE_MAX_MEMBERS,
  BAGGAGE_MAX_TOTAL_LENGTH,
  type Attribution,
  type TaskMessage,
} from '@llm-provenance/instrumentation-common';
export { installHttpPropagation } from './http-propagation.js';
