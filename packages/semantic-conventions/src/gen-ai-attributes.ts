/**
 * GenAI span attribute names.
 *
 * Source: OpenTelemetry GenAI semantic conventions ("Semantic conventions for generative client AI spans",
 * docs/gen-ai/gen-ai-spans.md, and the gen_ai registry), as published in semantic-conventions v1.41 and
 * continued in the open-telemetry/semantic-conventions-genai repository. Every value here was checked
 * against `@opentelemetry/semantic-conventions@1.45.0` (incubating entry point).
 */

/** Spec: gen-ai-spans.md. The name of the operation being performed (see {@link GenAiOperationName}). Required. */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** Spec: gen-ai-spans.md. The GenAI provider as identified by the client instrumentation (see {@link GenAiProviderName}). Required. */
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Spec: gen_ai registry. Deprecated predecessor of `gen_ai.provider.name`; not emitted, listed so exporters can read old spans. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';

/** Spec: gen-ai-spans.md. The model the request asked for. Conditionally required. */
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
/** Spec: gen-ai-spans.md. Maximum number of tokens the model may generate. */
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
/** Spec: gen-ai-spans.md. Sampling temperature. */
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
/** Spec: gen-ai-spans.md. Nucleus sampling probability mass. */
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
/** Spec: gen-ai-spans.md. Top-k sampling setting. */
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
/** Spec: gen-ai-spans.md. Frequency penalty. */
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty';
/** Spec: gen-ai-spans.md. Presence penalty. */
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty';
/** Spec: gen-ai-spans.md. Sequences where the model stops generating (string[]). */
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
/** Spec: gen-ai-spans.md. Seed for reproducible sampling. */
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
/** Spec: gen-ai-spans.md. Number of candidate completions requested (only when != 1). */
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
/** Spec: gen-ai-spans.md. Encoding formats requested for embeddings (string[]). */
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
/** Spec: gen_ai registry. Whether the request was made in streaming mode. */
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
/** Spec: gen-ai-spans.md. Requested output type: text, json, image, speech. */
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
/** Spec: gen-ai-spans.md. Conversation / session / thread id. */
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';

/** Spec: gen-ai-spans.md. Provider-assigned id of the completion. */
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
/** Spec: gen-ai-spans.md. The model that actually generated the response. */
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
/** Spec: gen-ai-spans.md. One finish reason per choice (string[]). */
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
/** Spec: gen_ai registry. Seconds from request issuance to the first chunk of a streamed response. */
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';

/** Spec: gen-ai-spans.md. Input (prompt) tokens, including cached tokens. */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** Spec: gen-ai-spans.md. Output (completion) tokens, including reasoning tokens. */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** Spec: gen_ai registry. Input tokens served from a provider-managed cache; included in input_tokens. */
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
/** Spec: gen_ai registry. Input tokens written to a provider-managed cache; included in input_tokens. */
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** Spec: gen_ai registry. Output tokens used for reasoning; included in output_tokens. */
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';

/** Spec: gen-ai-spans.md. Embedding vector length of the response. */
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count';

/** Spec: gen-ai-spans.md "Recording content on attributes". Chat history sent to the model, JSON string in the input-messages schema. Opt-in content. */
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
/** Spec: gen-ai-spans.md. Messages returned by the model, JSON string in the output-messages schema. Opt-in content. */
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
/** Spec: gen-ai-spans.md. System instructions sent separately from the chat history, JSON string (array of parts). Opt-in content. */
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
/** Spec: gen-ai-spans.md. Tool definitions available to the model, JSON string. Opt-in content. */
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions';

/** Spec: gen_ai registry (execute_tool spans). Tool call id. */
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
/** Spec: gen_ai registry. Tool name. */
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
/** Spec: gen_ai registry. Tool call arguments (content). */
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
/** Spec: gen_ai registry. Tool call result (content). */
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';

/** Spec: gen_ai registry (openai namespace). Service tier requested. */
export const ATTR_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier';
/** Spec: gen_ai registry (openai namespace). Service tier used for the response. */
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier';
/** Spec: gen_ai registry (openai namespace). Backend configuration fingerprint. */
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT = 'openai.response.system_fingerprint';
/** Spec: gen_ai registry (openai namespace). Which OpenAI API was used: chat_completions or responses. */
export const ATTR_OPENAI_API_TYPE = 'openai.api.type';

/**
 * Content attributes: everything that carries prompt or model text. Content-capture policy and the
 * cid-exporter's payload split both key off this list, so a new content attribute is added here once.
 */
export const GEN_AI_CONTENT_ATTRIBUTES = [
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
] as const;
