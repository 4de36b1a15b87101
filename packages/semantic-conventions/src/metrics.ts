/**
 * GenAI metric names and the attribute they are split by. Source: gen-ai-metrics.md, checked against
 * `@opentelemetry/semantic-conventions@1.45.0`.
 */

/** Spec: gen-ai-metrics.md. Histogram of tokens used, by gen_ai.token.type ({token}). */
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
/** Spec: gen-ai-metrics.md. Histogram of client operation duration (s). */
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** Spec: gen-ai-metrics.md. Histogram of time to first chunk of a streamed response (s). */
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
/** Spec: gen-ai-metrics.md. Histogram of time between output chunks (s). */
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.operation.time_per_output_chunk';
/** Spec: gen-ai-metrics.md. Token type a token-usage measurement counts (see GenAiTokenType). */
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';

/** Spec: gen-ai-events.md. Event carrying the full inference details when content goes to events. */
export const EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS = 'gen_ai.client.inference.operation.details';
