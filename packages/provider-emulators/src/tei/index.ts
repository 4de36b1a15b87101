import type { ProviderModule, RouteContext } from '../core/types.js';
import { embed, embedAll, embedSparse, openAiEmbeddings, similarity } from './embed.js';
import { sendTeiError } from './errors.js';
import { MAX_CLIENT_BATCH_SIZE } from './inputs.js';
import { predict, rerank } from './rank.js';

/** The model the emulated server serves, as `/info` reports it. */
export const TEI_MODEL_ID = 'BAAI/bge-small-en-v1.5';
export const TEI_EMULATED_VERSION = '1.8.2';

/**
 * `POST /` serves the model's default task; the emulated model embeds, and a sentence-similarity body
 * (`inputs.source_sentence`, what TEI serves at `/` when started with TASK=sentence-similarity) gets
 * similarities, so one emulator answers both kinds of Inference Endpoint call.
 */
function compat(ctx: RouteContext): void {
  const inputs = ((ctx.body ?? {}) as { inputs?: unknown }).inputs;
  if (inputs && typeof inputs === 'object' && !Array.isArray(inputs)) return similarity(ctx);
  embed(ctx);
}

/**
 * Hugging Face Text Embeddings Inference (https://huggingface.github.io/text-embeddings-inference/):
 * `/embed`, `/embed_all`, `/embed_sparse`, `/v1/embeddings`, `/similarity`, `/rerank`, `/predict`,
 * the default-task route `/`, and `/info`. Errors are TEI's `{"error", "error_type"}`. Its `/`, `/info`
 * and `/v1/embeddings` are also served by other modules, so a test that needs them starts an emulator
 * with `providers: [tei]`.
 */
export const tei: ProviderModule = {
  name: 'tei',
  routes: [
    { method: 'POST', path: '/embed', handle: embed },
    { method: 'POST', path: '/embed_all', handle: embedAll },
    { method: 'POST', path: '/embed_sparse', handle: embedSparse },
    { method: 'POST', path: '/v1/embeddings', handle: (ctx) => openAiEmbeddings(ctx, TEI_MODEL_ID) },
    { method: 'POST', path: '/similarity', handle: similarity },
    { method: 'POST', path: '/rerank', handle: rerank },
    { method: 'POST', path: '/predict', handle: predict },
    { method: 'POST', path: '/', handle: compat },
    { method: 'GET', path: '/info', handle: (ctx) => ctx.json(200, TEI_INFO) },
    { method: 'GET', path: '/health', handle: (ctx) => ctx.json(200, {}) },
  ],
  owns: ({ path }) => ['/', '/embed', '/embed_all', '/embed_sparse', '/similarity', '/rerank', '/predict', '/info'].includes(path),
  sendError: sendTeiError,
};

/** GET /info (TEI's `Info` object). */
const TEI_INFO = {
  model_id: TEI_MODEL_ID,
  model_sha: null,
  model_dtype: 'float32',
  model_type: { embedding: { pooling: 'cls' } },
  max_concurrent_requests: 512,
  max_input_length: 512,
  max_batch_tokens: 16384,
  max_batch_requests: null,
  max_client_batch_size: MAX_CLIENT_BATCH_SIZE,
  auto_truncate: false,
  tokenization_workers: 2,
  version: TEI_EMULATED_VERSION,
  sha: null,
  docker_label: null,
} as const;
