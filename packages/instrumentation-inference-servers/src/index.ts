export {
  InferenceServersInstrumentation,
  type InferenceServersInstrumentationConfig,
  ENV_INFERENCE_SERVERS,
  ENV_INFERENCE_MAX_BODY_BYTES,
  DEFAULT_MAX_BODY_BYTES,
} from './instrumentation.js';
export { BUILT_IN_PROFILES, BODY_FORMATS, type RouteProfile, type RouteRule, type BodyFormatName } from './profiles.js';
export type { InferenceServer } from './route-table.js';
export type { BodyFormat, MatchedCall } from './formats/format.js';
export { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';
// For instrumentations that observe undici the same way (the AI SDK instrumentation).
export { UndiciObserver, type RouteMatcher } from './undici-observer.js';
export type { ObserverHost } from './observer-host.js';
export type { ExchangeTarget } from './exchange.js';
export type { RouteMatch } from './route-table.js';
export { currentFetchBody, wrapGlobalFetch, unwrapGlobalFetch } from './fetch-body.js';
