// The attribution API, re-exported so that an app needs only this package: `register` for tracing and
// `withAttribution` for saying on whose behalf (user, task, worker, route) its model calls run.
// The implementation lives in @llm-provenance/instrumentation-common (src/attribution.ts there).
export { withAttribution, setAttribution, readAttribution, type Attribution } from '@llm-provenance/instrumentation-common';
