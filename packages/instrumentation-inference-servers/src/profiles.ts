import { GenAiOperationName as Op, GenAiProviderName as Provider } from '@llm-provenance/semantic-conventions';
import type { BodyFormat } from './formats/format.js';
import { MODEL_SERVER_BATCH_INFER, MODEL_SERVER_INFER } from './formats/model-server.js';
import { OPEA_GATEWAY } from './formats/opea.js';
import { OPENAI_CHAT, OPENAI_COMPLETIONS, OPENAI_EMBEDDINGS, VLLM_POOLING } from './formats/openai.js';
import { RERANK, VLLM_SCORE } from './formats/rerank.js';
import { TEI_EMBED, TEI_PREDICT, TEI_RERANK, TGI_GENERATE } from './formats/huggingface.js';
import { KSERVE_INFER, TF_PREDICT } from './formats/tensors.js';

/** The body formats a route can name, by name (a user profile may also give its own `BodyFormat`). */
export const BODY_FORMATS = {
  'openai.chat': OPENAI_CHAT,
  'openai.completions': OPENAI_COMPLETIONS,
  'openai.embeddings': OPENAI_EMBEDDINGS,
  'vllm.pooling': VLLM_POOLING,
  'vllm.score': VLLM_SCORE,
  rerank: RERANK,
  'tf.predict': TF_PREDICT,
  'kserve.infer': KSERVE_INFER,
  'opea.gateway': OPEA_GATEWAY,
  'model_server.infer': MODEL_SERVER_INFER,
  'model_server.batch_infer': MODEL_SERVER_BATCH_INFER,
  'tgi.generate': TGI_GENERATE,
  'tei.embed': TEI_EMBED,
  'tei.rerank': TEI_RERANK,
  'tei.predict': TEI_PREDICT,
} as const satisfies Record<string, BodyFormat>;

export type BodyFormatName = keyof typeof BODY_FORMATS;

/** One route of a server. */
export interface RouteRule {
  /** The path after the server's base URL; `{name}` matches one path segment (or part of one), e.g. `/v1/models/{model}:predict`. */
  path: string;
  /** HTTP method; default POST. */
  method?: string;
  /** `gen_ai.operation.name`. */
  operation: string;
  /** How its bodies map to the conventions. */
  format: BodyFormatName | BodyFormat;
  /**
   * Whether the route alone says which server it is, so it is traced on any host without configuration.
   * Default false: a route several servers share (`/v1/chat/completions`) is traced only on a server
   * configured as this profile.
   */
  recognize?: boolean;
}

/** A kind of server: its provider name and routes. */
export interface RouteProfile {
  /** The name configuration uses (`vllm=http://gpu1:8000`). */
  name: string;
  /** `gen_ai.provider.name`; default `name`. */
  providerName?: string;
  routes: readonly RouteRule[];
}

const OPENAI_STYLE = (prefix: string, recognize = false): RouteRule[] => [
  { path: `${prefix}/chat/completions`, operation: Op.CHAT, format: 'openai.chat', recognize },
  { path: `${prefix}/completions`, operation: Op.TEXT_COMPLETION, format: 'openai.completions', recognize },
  { path: `${prefix}/embeddings`, operation: Op.EMBEDDINGS, format: 'openai.embeddings', recognize },
];

/** vLLM's OpenAI-compatible server (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html). */
export const VLLM: RouteProfile = {
  name: Provider.VLLM,
  routes: [
    ...OPENAI_STYLE('/v1'),
    ...['/rerank', '/v1/rerank', '/v2/rerank'].map((path): RouteRule => ({ path, operation: Op.RERANK, format: 'rerank' })),
    { path: '/score', operation: Op.RERANK, format: 'vllm.score', recognize: true },
    { path: '/v1/score', operation: Op.RERANK, format: 'vllm.score', recognize: true },
    { path: '/pooling', operation: Op.EMBEDDINGS, format: 'vllm.pooling', recognize: true },
  ],
};

/**
 * OpenVINO Model Server (https://docs.openvino.ai/nightly/model-server/ovms_docs_rest_api_tfs.html,
 * ovms_docs_rest_api_kfs.html, ovms_docs_rest_api_chat.html, ..._completions.html, ..._embeddings.html,
 * ..._rerank.html). `/v3` is OVMS's own; the TensorFlow Serving and KServe routes are shared with other
 * servers, so they need configuration.
 */
export const OPENVINO_OVMS: RouteProfile = {
  name: Provider.OPENVINO_OVMS,
  routes: [
    { path: '/v1/models/{model}:predict', operation: Op.PREDICT, format: 'tf.predict' },
    { path: '/v1/models/{model}/versions/{version}:predict', operation: Op.PREDICT, format: 'tf.predict' },
    { path: '/v2/models/{model}/infer', operation: Op.INFER, format: 'kserve.infer' },
    { path: '/v2/models/{model}/versions/{version}/infer', operation: Op.INFER, format: 'kserve.infer' },
    ...OPENAI_STYLE('/v3', true),
    { path: '/v3/v1/chat/completions', operation: Op.CHAT, format: 'openai.chat', recognize: true },
    { path: '/v3/v1/completions', operation: Op.TEXT_COMPLETION, format: 'openai.completions', recognize: true },
    { path: '/v3/v1/embeddings', operation: Op.EMBEDDINGS, format: 'openai.embeddings', recognize: true },
    { path: '/v3/rerank', operation: Op.RERANK, format: 'rerank', recognize: true },
    { path: '/v3/v1/rerank', operation: Op.RERANK, format: 'rerank', recognize: true },
  ],
};

/** The megaservice gateways of the OPEA GenAIExamples, each its own route. */
export const OPEA_GATEWAYS = ['chatqna', 'codegen', 'codetrans', 'docsum', 'faqgen', 'translation', 'searchqna'] as const;

/** OPEA (https://opea-project.github.io): megaservice gateways, and microservices speaking the OpenAI wire format. */
export const OPEA: RouteProfile = {
  name: Provider.OPEA,
  routes: [
    ...OPEA_GATEWAYS.map((service): RouteRule => ({ path: `/v1/{service:${service}}`, operation: Op.CHAT, format: 'opea.gateway', recognize: true })),
    ...OPENAI_STYLE('/v1'),
  ],
};

/** The REST model-server contract (README "REST model server"). `GET /models` and `GET /models/{id}` are not inference. */
export const MODEL_SERVER: RouteProfile = {
  name: 'model_server',
  routes: [
    { path: '/models/{model}/infer', operation: Op.INFER, format: 'model_server.infer', recognize: true },
    { path: '/models/{model}/batch_infer', operation: Op.INFER, format: 'model_server.batch_infer', recognize: true },
  ],
};

/**
 * Hugging Face Text Generation Inference (https://huggingface.github.io/text-generation-inference/):
 * `/generate` and `/generate_stream` are TGI's own; `/` and the Messages API are shared.
 */
export const HF_TGI: RouteProfile = {
  name: Provider.HF_TGI,
  routes: [
    { path: '/generate', operation: Op.TEXT_COMPLETION, format: 'tgi.generate', recognize: true },
    { path: '/generate{stream:_stream}', operation: Op.TEXT_COMPLETION, format: 'tgi.generate', recognize: true },
    { path: '/', operation: Op.TEXT_COMPLETION, format: 'tgi.generate' },
    ...OPENAI_STYLE('/v1').filter((r) => r.operation !== Op.EMBEDDINGS),
  ],
};

/**
 * Hugging Face Text Embeddings Inference (https://huggingface.github.io/text-embeddings-inference/):
 * `/embed`, `/embed_all`, `/embed_sparse` are TEI's own; `/rerank`, `/predict`, `/v1/embeddings` are shared.
 */
export const HF_TEI: RouteProfile = {
  name: Provider.HF_TEI,
  routes: [
    ...['/embed', '/embed_all', '/embed_sparse'].map((path): RouteRule => ({ path, operation: Op.EMBEDDINGS, format: 'tei.embed', recognize: true })),
    { path: '/v1/embeddings', operation: Op.EMBEDDINGS, format: 'openai.embeddings' },
    { path: '/rerank', operation: Op.RERANK, format: 'tei.rerank' },
    { path: '/predict', operation: Op.PREDICT, format: 'tei.predict' },
  ],
};

/** Every built-in profile, in recognition order. */
export const BUILT_IN_PROFILES: readonly RouteProfile[] = [VLLM, OPENVINO_OVMS, OPEA, MODEL_SERVER, HF_TGI, HF_TEI];
