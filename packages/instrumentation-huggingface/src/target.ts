import { configuredProviderFromUrl } from '@llm-provenance/instrumentation-common';
import { GenAiProviderName } from '@llm-provenance/semantic-conventions';

/**
 * What every task function of `@huggingface/inference` receives first: the task's inputs plus where the
 * call goes. `InferenceClient` (and `.endpoint(url)`, and the legacy `HfInference`) passes
 * `{ endpointUrl, accessToken, ...params }` (https://huggingface.co/docs/huggingface.js/inference/README).
 */
export interface HfArgs {
  model?: unknown;
  provider?: unknown;
  endpointUrl?: unknown;
  accessToken?: unknown;
  inputs?: unknown;
  parameters?: Record<string, unknown> | null;
  [field: string]: unknown;
}

/** The Hugging Face router: the default way `@huggingface/inference` reaches every provider. */
export const HF_ROUTER_URL = 'https://router.huggingface.co';

/** Which kind of self-hosted server a task's `endpointUrl` points at: generation (TGI) or embeddings/ranking (TEI). */
export type ServerKind = 'generation' | 'embeddings';

/** Where one call goes: `gen_ai.provider.name`, the base URL for `server.*`, and the credential to fingerprint. */
export interface HfTarget {
  providerName: string;
  baseUrl: string | undefined;
  credential: string | undefined;
  requestModel: string | undefined;
}

/**
 * `gen_ai.provider.name` of a call: for a self-hosted `endpointUrl` (the SDK sends such calls to the URL
 * itself), the provider configured for that server, else `hf.tgi` / `hf.tei` by the task, `huggingface` for the router's own serving (`auto`, or `hf-inference`),
 * else the provider the caller named (`together`, `groq` ...), which the router forwards to.
 */
export function hfTarget(args: HfArgs | undefined, kind: ServerKind): HfTarget {
  const endpointUrl = typeof args?.endpointUrl === 'string' && args.endpointUrl !== '' ? args.endpointUrl : undefined;
  const provider = typeof args?.provider === 'string' && args.provider !== '' ? args.provider : 'auto';
  const accessToken = typeof args?.accessToken === 'string' && args.accessToken !== '' ? args.accessToken : undefined;
  const model = typeof args?.model === 'string' && args.model !== '' ? args.model : undefined;
  if (endpointUrl) {
    return {
      // A server configured for the URL (a vLLM reached through `endpointUrl`) names itself.
      providerName: configuredProviderFromUrl(endpointUrl) ?? (kind === 'generation' ? GenAiProviderName.HF_TGI : GenAiProviderName.HF_TEI),
      baseUrl: endpointUrl,
      credential: accessToken,
      requestModel: model,
    };
  }
  const routed = provider !== 'auto' && provider !== 'hf-inference';
  // A provider's own key (not an `hf_` token) goes straight to that provider, whose URL the SDK knows; the router otherwise.
  const direct = routed && accessToken !== undefined && !accessToken.startsWith('hf_');
  return {
    providerName: routed ? provider : GenAiProviderName.HUGGINGFACE,
    baseUrl: direct ? undefined : HF_ROUTER_URL,
    credential: accessToken,
    requestModel: model,
  };
}
