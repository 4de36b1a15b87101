import type { ProviderModule } from './core/types.js';
import { modelServer } from './model-server/index.js';
import { opea } from './opea/index.js';
import { ovms } from './ovms/index.js';
import { vllm } from './vllm/index.js';

/**
 * The self-hosted inference servers this emulator speaks besides the SDK providers (vLLM's own routes,
 * OpenVINO Model Server, OPEA gateways, the REST model-server contract). They go before `openai` in the
 * route table: `/v1/models/{name}:predict` and `/v1/chatqna` are under OpenAI's `/v1/`.
 */
export const INFERENCE_SERVER_PROVIDERS: ProviderModule[] = [vllm, ovms, opea, modelServer];
