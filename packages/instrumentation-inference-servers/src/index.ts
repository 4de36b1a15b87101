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
