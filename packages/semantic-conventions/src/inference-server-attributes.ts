/**
 * Attributes of self-hosted inference servers. Ours (llm-provenance): the GenAI conventions define none
 * for these servers.
 */

/** Ours. The OPEA megaservice gateway a call went to, e.g. `chatqna` for `/v1/chatqna`. */
export const ATTR_OPEA_SERVICE = 'opea.service';
/** Ours. The number of inputs in one batched inference request (`/models/{id}/batch_infer`). */
export const ATTR_MODEL_SERVER_BATCH_SIZE = 'model_server.request.batch_size';
/** Ours. The served model's version named in the URL (`/v1/models/{name}/versions/{v}:predict`, KServe v2). */
export const ATTR_INFERENCE_SERVER_MODEL_VERSION = 'inference_server.request.model_version';
