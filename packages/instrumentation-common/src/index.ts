export { GenAIInstrumentationBase, type GenAIBackend, type GenAIInstrumentationConfig } from './instrumentation-base.js';
export { traceGenAICall, type TraceCallOptions, type TraceTarget } from './trace-call.js';
export type { CallHandling, StreamHandling, StreamAccumulator } from './call-handling.js';
export type { ModulePatch, PatchTarget, MethodPatch, TracedMethod, WrappedMethod, Around, SdkMembers } from './patch-list.js';
export {
  GenAISpan,
  isInGenAICall,
  requestContentAttributes,
  type GenAIRequest,
  type GenAIRequestContent,
  type GenAIResponse,
  type GenAIPolicy,
} from './genai-span.js';
export { observeAsyncIterable, isAsyncIterable, type StreamObserver, type StreamOutcome } from './stream.js';
export { makeApiPromiseParseIdempotent, isStainlessApiPromise, observeApiPromise, type ApiPromiseObserver } from './api-promise.js';
export { resolveCaptureContent, ENV_CAPTURE_MESSAGE_CONTENT } from './capture-policy.js';
export { fingerprintCredential, scrubSecrets, redactUrl, redactHeaders, FINGERPRINT_DOMAIN, REDACTED } from './redaction.js';
export { errorRedactor, REDACT_NAMES_ENV, type ConfiguredCredentials, type CredentialSources } from './error-redaction.js';
export {
  resolvePriceTable,
  loadPriceTableFile,
  validatePriceTable,
  mergePriceTables,
  lookupPrice,
  computeCost,
  costAttributes,
  ENV_PRICE_TABLE,
  type PriceTable,
  type ModelPrice,
  type TokenUsage,
  type Cost,
} from './pricing.js';
export { BUILTIN_PRICE_TABLE } from './builtin-prices.js';
export {
  withAttribution,
  setAttribution,
  setRemoteAttribution,
  readAttribution,
  attributionOf,
  ATTRIBUTION_VALUE_MAX_LENGTH,
  type Attribution,
} from './attribution.js';
export {
  attributionFromBaggageHeader,
  continueFromHeaders,
  mayPropagateTo,
  propagationHeaders,
  BAGGAGE_MAX_MEMBERS,
  BAGGAGE_MAX_TOTAL_LENGTH,
  type HeaderRecord,
} from './attribution-propagation.js';
export { taskMessage, runWithTaskContext, isTaskMessage, type TaskMessage } from './task-message.js';
export { routeCall, routeWithFallback, type RouteDecision, type RouteBackend, type FallbackOptions } from './route.js';
// The route span's names and reasons live in @llm-provenance/semantic-conventions; still exported here.
export {
  ATTR_PROVENANCE_ROUTE_CANDIDATES,
  ATTR_PROVENANCE_ROUTE_ATTEMPT,
  ROUTE_REASON_FALLBACK_AFTER_ERROR,
  ROUTE_REASON_RATE_LIMITED,
  ROUTE_REASON_CHEAPEST,
  ROUTE_REASON_LATENCY,
  ROUTE_REASON_PREFERRED,
} from '@llm-provenance/semantic-conventions';
export { definedAttributes, toAttributeValue, toStringArray, genAIRequestAttributes, serverAttributesFromUrl, type GenAIRequestParams } from './attributes.js';
export { providerFromUrl } from './provider-hosts.js';
export { setModelCallMatcher, isModelCallRoute, type ModelCallMatcher, type RequestHeaderReader } from './model-call-routes.js';
export { setConfiguredProviders, configuredProviderFromUrl, configuredProvidersVersion, type ConfiguredProviderUrl } from './configured-providers.js';
export {
  errorTypeOf,
  fetchAbortErrorType,
  exceptionTypeOf,
  httpStatusOf,
  safeErrorMessage,
  recordSpanError,
  ERROR_TYPE_OTHER,
  type KnownSecrets,
} from './errors.js';
export { InternalErrorReporter } from './internal-errors.js';
export { versionSatisfies, supportedModuleDefinition } from './supported-versions.js';
export { stainlessModule, stainlessStreamHandling, type StainlessSdk, type StainlessResource, type StainlessOperation } from './stainless-sdk.js';
export { headerValue, requestIdFromApiError, requestIdFromResponseHeader } from './stainless-request-id.js';
export { GenAIMetrics, GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_USAGE_BUCKETS, type GenAIInstruments } from './genai-metrics.js';
// The OpenAI wire format's mappings, shared by every SDK that speaks it (openai, groq-sdk).
export * from './openai-compatible/index.js';
