/**
 * The `ollama.*` namespace. Ours (llm-provenance): the GenAI conventions define no Ollama attributes.
 * Ollama's final response object reports where the time went, in nanoseconds
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#response). The values are recorded exactly as
 * reported (integers, unit ns), so they can be compared with Ollama's own logs.
 */

/** Ours. `total_duration`: time spent generating the response, in nanoseconds. */
export const ATTR_OLLAMA_RESPONSE_TOTAL_DURATION = 'ollama.response.total_duration';
/** Ours. `load_duration`: time spent loading the model, in nanoseconds. */
export const ATTR_OLLAMA_RESPONSE_LOAD_DURATION = 'ollama.response.load_duration';
/** Ours. `prompt_eval_duration`: time spent evaluating the prompt, in nanoseconds. */
export const ATTR_OLLAMA_RESPONSE_PROMPT_EVAL_DURATION = 'ollama.response.prompt_eval_duration';
/** Ours. `eval_duration`: time spent generating the response tokens, in nanoseconds. */
export const ATTR_OLLAMA_RESPONSE_EVAL_DURATION = 'ollama.response.eval_duration';
/** Ours. `keep_alive` as requested (how long the model stays loaded), e.g. "5m" or a number of seconds. */
export const ATTR_OLLAMA_REQUEST_KEEP_ALIVE = 'ollama.request.keep_alive';
/** Ours. `options.num_ctx`: the context window size requested, in tokens. */
export const ATTR_OLLAMA_REQUEST_NUM_CTX = 'ollama.request.num_ctx';
