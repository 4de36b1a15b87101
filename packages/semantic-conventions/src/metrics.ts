/**
 * GenAI metric names, their units and the attribute they are split by. Source: gen-ai-metrics.md, checked
 * against `@opentelemetry/semantic-conventions@1.45.0`; `gen_ai.client.cost` is ours.
 */

/** Spec: gen-ai-metrics.md. Histogram of tokens used, by gen_ai.token.type ({token}). */
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
/** Spec: gen-ai-metrics.md. Histogram of client operation duration (s). */
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
/** Spec: gen-ai-metrics.md. Histogram of time to first chunk of a streamed response (s). */
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
/** Spec: gen-ai-metrics.md. Histogram of time between output chunks (s). */
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.operation.time_per_output_chunk';
/**
 * Ours (llm-provenance); the GenAI conventions define no cost metric yet. Counter (monotonic, double) of
 * the cost of calls, in whole units of the currency named by `gen_ai.usage.cost.currency` on each data
 * point (1.5 with `USD` is 1.50 US dollars), so amounts in different currencies are never summed. Same
 * attributes as `gen_ai.client.token.usage` (without `gen_ai.token.type`), plus
 * `gen_ai.usage.cost.currency` and `gen_ai.usage.cost.source`. Unit: {@link METRIC_UNIT_GEN_AI_CLIENT_COST}.
 */
export const METRIC_GEN_AI_CLIENT_COST = 'gen_ai.client.cost';

/** Spec: gen-ai-metrics.md. Unit of `gen_ai.client.token.usage` (UCUM annotation). */
export const METRIC_UNIT_GEN_AI_CLIENT_TOKEN_USAGE = '{token}';
/** Spec: gen-ai-metrics.md. Unit of the duration and chunk-timing histograms: seconds. */
export const METRIC_UNIT_SECONDS = 's';
/**
 * Ours. Unit of `gen_ai.client.cost`: a UCUM annotation, because the currency is an attribute of each data
 * point rather than part of the instrument.
 */
export const METRIC_UNIT_GEN_AI_CLIENT_COST = '{currency}';

/** Spec: gen-ai-metrics.md. Token type a token-usage measurement counts (see GenAiTokenType). */
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';

/** Spec: gen-ai-events.md. Event carrying the full inference details when content goes to events. */
export const EVENT_GEN_AI_CLIENT_INFERENCE_OPERATION_DETAILS = 'gen_ai.client.inference.operation.details';
