/**
 * The `provenance.*` namespace. Ours (llm-provenance): attribution read from context/baggage
 * (packages/instrumentation-common/README.md "Attribution"), call facts the instrumentations record, and
 * what the cid-exporter adds to the spans it forwards (packages/cid-exporter/FORMAT.md section 5.4).
 */

/** Ours. Task the call belongs to; read from context/baggage set by the app. */
export const ATTR_PROVENANCE_TASK_ID = 'provenance.task.id';
/** Ours. Worker (process, queue consumer, agent) that made the call; read from context/baggage. */
export const ATTR_PROVENANCE_WORKER_ID = 'provenance.worker.id';
/** Ours. Backend a router chose for this call; read from context/baggage. */
export const ATTR_PROVENANCE_ROUTE_BACKEND = 'provenance.route.backend';
/** Ours. Why the router chose it; read from context/baggage. */
export const ATTR_PROVENANCE_ROUTE_REASON = 'provenance.route.reason';
/** Ours. On a route span: the backends the router could have chosen, in its order of preference (string array). */
export const ATTR_PROVENANCE_ROUTE_CANDIDATES = 'provenance.route.candidates';
/** Ours. On a route span of a fallback chain: which try it is, from 1. */
export const ATTR_PROVENANCE_ROUTE_ATTEMPT = 'provenance.route.attempt';

/** `provenance.route.reason` values the routing helpers use; any other string of the user's is recorded as given. */
export const ROUTE_REASON_FALLBACK_AFTER_ERROR = 'fallback_after_error';
export const ROUTE_REASON_RATE_LIMITED = 'rate_limited';
export const ROUTE_REASON_CHEAPEST = 'cheapest';
export const ROUTE_REASON_LATENCY = 'latency';
/** The reason of a fallback chain's first choice when the user gives none. */
export const ROUTE_REASON_PREFERRED = 'preferred';

/** Ours. Short one-way fingerprint of the credential used (never the credential itself). */
export const ATTR_PROVENANCE_CREDENTIAL_FINGERPRINT = 'provenance.credential.fingerprint';
/**
 * Ours. Set on another instrumentation's span of a model call when one of ours records that same call
 * inside it (a framework's own GenAI telemetry, e.g. the `chat` span of the Vercel AI SDK's
 * OpenTelemetry integration around the request our span records): the span id of our span. Readers count
 * the call once, from the span that records it with its payloads and cost.
 */
export const ATTR_PROVENANCE_MODEL_CALL_RECORDED_BY = 'provenance.model_call.recorded_by';
/** Ours. The provider's own request id (e.g. OpenAI's `x-request-id` header). */
export const ATTR_PROVENANCE_PROVIDER_REQUEST_ID = 'provenance.provider.request_id';

/**
 * Ours. True when the instrumentation asked the provider for token usage the app did not ask for
 * (OpenAI `stream_options.include_usage` on a streamed call) and hid the provider's extra usage chunk
 * from the app (packages/instrumentation-common/README.md "Token usage").
 */
export const ATTR_PROVENANCE_USAGE_REQUESTED = 'provenance.usage.requested';
/**
 * Ours. True when a call completed but its response carried no token counts (and none could be
 * requested): `gen_ai.usage.*` and the cost are absent because the tokens are unknown, not zero.
 */
export const ATTR_PROVENANCE_USAGE_UNKNOWN = 'provenance.usage.unknown';

/**
 * Ours. What the app told the provider about its caller, recorded as sent; the GenAI conventions name
 * none of these. `enduser.id` still comes from attribution only (context/baggage), never from these.
 */
/** Ours. The request's `user` field (OpenAI and Groq chat, completions and responses requests). */
export const ATTR_PROVENANCE_REQUEST_USER = 'provenance.request.user';
/** Ours. The request's `safety_identifier` (OpenAI chat completions and responses). */
export const ATTR_PROVENANCE_REQUEST_SAFETY_IDENTIFIER = 'provenance.request.safety_identifier';
/** Ours. The request's `prompt_cache_key` (OpenAI chat completions and responses). */
export const ATTR_PROVENANCE_REQUEST_PROMPT_CACHE_KEY = 'provenance.request.prompt_cache_key';
/** Ours. The request's `metadata.user_id` (Anthropic messages). */
export const ATTR_PROVENANCE_REQUEST_METADATA_USER_ID = 'provenance.request.metadata.user_id';

/** Ours. Added by the cid-exporter: CID of the provenance record of this span. */
export const ATTR_PROVENANCE_RECORD_CID = 'provenance.record.cid';
/** Ours. Added by the cid-exporter: CID of the input payload block. */
export const ATTR_PROVENANCE_INPUT_CID = 'provenance.input.cid';
/** Ours. Added by the cid-exporter: CID of the output payload block. */
export const ATTR_PROVENANCE_OUTPUT_CID = 'provenance.output.cid';
/** Ours. Added by the cid-exporter: id of the log the record was appended to. */
export const ATTR_PROVENANCE_LOG_ID = 'provenance.log.id';
/** Ours. Added by the cid-exporter: sequence number of the record in its log. */
export const ATTR_PROVENANCE_LOG_SEQ = 'provenance.log.seq';

/** Baggage keys the attribution reader looks for (same names as the attributes). */
export const PROVENANCE_BAGGAGE_KEYS = [
  'enduser.id',
  ATTR_PROVENANCE_TASK_ID,
  ATTR_PROVENANCE_WORKER_ID,
  ATTR_PROVENANCE_ROUTE_BACKEND,
  ATTR_PROVENANCE_ROUTE_REASON,
] as const;

/**
 * Ours. True when an HTTP body seen by an HTTP-level instrumentation was larger than it may hold in
 * memory: what is recorded comes from the part that was seen, and content or usage may be missing.
 */
export const ATTR_PROVENANCE_HTTP_BODY_TRUNCATED = 'provenance.http.body_truncated';
