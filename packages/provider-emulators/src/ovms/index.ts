import type { ErrorSpec, ProviderModule, Route, RouteContext } from '../core/types.js';
import { chatCompletionsRoute } from '../openai/chat-completions.js';
import { completionsRoute } from '../openai/completions.js';
import { embeddingsRoute } from '../openai/embeddings.js';
import { OPENAI_FLAVOR, type OpenAiFlavor } from '../openai/flavor.js';
import { relevance } from '../vllm/index.js';

/**
 * OpenVINO Model Server's REST APIs:
 * - TensorFlow Serving predict (https://docs.openvino.ai/nightly/model-server/ovms_docs_rest_api_tfs.html):
 *   `POST /v1/models/{name}[/versions/{v}]:predict` with `{instances}` (row format) or `{inputs}` (columnar)
 *   -> `{predictions}` / `{outputs}`. The emulated model doubles every number.
 * - KServe v2 (https://docs.openvino.ai/nightly/model-server/ovms_docs_rest_api_kfs.html):
 *   `POST /v2/models/{name}[/versions/{v}]/infer` -> `{model_name, model_version, id, outputs}`; each
 *   output tensor `output{i}` doubles input `i`.
 * - The OpenAI-style `/v3` endpoints (chat/completions, completions, embeddings, also under `/v3/v1`)
 *   and `/v3/rerank` (Cohere style).
 * Errors are `{"error": "<message>"}` on every API.
 */
const V3: OpenAiFlavor = { ...OPENAI_FLAVOR, name: 'openvino.ovms', basePath: '/v3', systemFingerprint: 'ovms_emu', ownedBy: 'OVMS' };
const V3_V1: OpenAiFlavor = { ...V3, basePath: '/v3/v1' };

function doubled(value: unknown): unknown {
  if (typeof value === 'number') return value * 2;
  if (Array.isArray(value)) return value.map(doubled);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, doubled(v)]));
  return value;
}

function handlePredict(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as { instances?: unknown; inputs?: unknown };
  if (body.instances !== undefined) return ctx.json(200, { predictions: doubled(body.instances) });
  if (body.inputs !== undefined) return ctx.json(200, { outputs: doubled(body.inputs) });
  ctx.error({ status: 400, message: 'Missing instances in JSON request' });
}

interface Tensor {
  name?: unknown;
  shape?: unknown;
  datatype?: unknown;
  data?: unknown;
}

function handleInfer(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as { id?: unknown; inputs?: unknown };
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) return ctx.error({ status: 400, message: 'Invalid message structure - missing inputs field' });
  const outputs = (body.inputs as Tensor[]).map((t, i) => ({ name: `output${i}`, shape: t.shape, datatype: t.datatype, data: doubled(t.data) }));
  ctx.json(200, {
    model_name: ctx.params.model,
    model_version: ctx.params.version ?? '1',
    ...(typeof body.id === 'string' ? { id: body.id } : {}),
    outputs,
  });
}

function handleRerank(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as { query?: unknown; documents?: unknown; top_n?: unknown };
  if (typeof body.query !== 'string' || !Array.isArray(body.documents)) return ctx.error({ status: 400, message: 'query and documents are required' });
  const query = body.query;
  const results = body.documents.map((d, index) => ({ index, relevance_score: relevance(query, String(d)) }));
  results.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  const topN = typeof body.top_n === 'number' && body.top_n > 0 ? body.top_n : results.length;
  ctx.json(200, { results: results.slice(0, topN) });
}

const PREDICT = /^\/v1\/models\/(?<model>[^/:]+)(?:\/versions\/(?<version>[^/:]+))?:predict$/;
const INFER = /^\/v2\/models\/(?<model>[^/]+)(?:\/versions\/(?<version>[^/]+))?\/infer$/;

export function ovmsErrorBody(spec: ErrorSpec): { error: string } {
  return {
    error: spec.message ?? (spec.status >= 500 ? 'Internal server error' : spec.status === 404 ? 'Model with requested name is not found' : 'Invalid request'),
  };
}

export const ovms: ProviderModule = {
  name: 'openvino.ovms',
  routes: [
    { method: 'POST', path: PREDICT, handle: handlePredict },
    { method: 'POST', path: INFER, handle: handleInfer },
    ...[V3, V3_V1].flatMap((f): Route[] => [chatCompletionsRoute(f), completionsRoute(f), embeddingsRoute(f)]),
    { method: 'POST', path: '/v3/rerank', handle: handleRerank },
    { method: 'POST', path: '/v3/v1/rerank', handle: handleRerank },
  ],
  owns: ({ path }) => path.startsWith('/v3/') || PREDICT.test(path) || INFER.test(path),
  sendError: (ctx, spec) => ctx.json(spec.status, ovmsErrorBody(spec), spec.retryAfter !== undefined ? { 'retry-after': String(spec.retryAfter) } : undefined),
};
