import type { ProviderModule } from '../core/types.js';
import { chatCompletionsRoute } from '../openai/chat-completions.js';
import { completionsRoute } from '../openai/completions.js';
import type { OpenAiFlavor } from '../openai/flavor.js';
import { sendTgiError } from './errors.js';
import { compatGenerate, generate, generateStream } from './generate.js';

/** The model the emulated server serves, as `/info` reports it. */
export const TGI_MODEL_ID = 'HuggingFaceTB/SmolLM2-360M-Instruct';
/** The emulated TGI version (`/info`, and the Messages API's `system_fingerprint`). */
export const TGI_EMULATED_VERSION = '3.3.6';

/** TGI's OpenAI-compatible Messages API and completions under /v1 (https://huggingface.co/docs/text-generation-inference/messages_api). */
const TGI_FLAVOR: OpenAiFlavor = {
  name: 'tgi',
  basePath: '/v1',
  systemFingerprint: `${TGI_EMULATED_VERSION}-native`,
  ownedBy: 'tgi',
  models: [TGI_MODEL_ID],
};

/**
 * Hugging Face Text Generation Inference (https://huggingface.github.io/text-generation-inference/):
 * the native `/generate`, `/generate_stream` and `/` routes, the Messages API (`/v1/chat/completions`,
 * plain and SSE with the usage chunk) and `/v1/completions`, and `/info`. Errors are TGI's
 * `{"error", "error_type"}`. Its `/`, `/info` and `/v1/...` paths are also served by other modules, so a
 * test that needs them starts an emulator with `providers: [tgi]`.
 */
export const tgi: ProviderModule = {
  name: 'tgi',
  routes: [
    { method: 'POST', path: '/generate', handle: generate },
    { method: 'POST', path: '/generate_stream', handle: generateStream },
    { method: 'POST', path: '/', handle: compatGenerate },
    chatCompletionsRoute(TGI_FLAVOR),
    completionsRoute(TGI_FLAVOR),
    { method: 'GET', path: '/info', handle: (ctx) => ctx.json(200, TGI_INFO) },
    { method: 'GET', path: '/health', handle: (ctx) => ctx.json(200, {}) },
  ],
  owns: ({ path }) => path === '/' || path.startsWith('/generate') || path === '/info',
  sendError: sendTgiError,
};

/** GET /info (the router's `Info` object). */
const TGI_INFO = {
  model_id: TGI_MODEL_ID,
  model_sha: null,
  model_pipeline_tag: 'text-generation',
  max_concurrent_requests: 128,
  max_best_of: 2,
  max_stop_sequences: 4,
  max_input_tokens: 4095,
  max_total_tokens: 4096,
  validation_workers: 2,
  max_client_batch_size: 4,
  router: 'text-generation-router',
  version: TGI_EMULATED_VERSION,
  sha: null,
  docker_label: null,
};
