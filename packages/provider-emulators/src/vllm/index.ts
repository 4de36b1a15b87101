import { embeddingFor } from '../core/embedding.js';
import { countWords } from '../core/tokens.js';
import type { ErrorSpec, ProviderModule, Route, RouteContext } from '../core/types.js';

/**
 * vLLM's own routes beside its OpenAI-compatible ones
 * (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html): rerank (`/rerank`, `/v1/rerank`,
 * `/v2/rerank`, Jina/Cohere style), score (`/score`, `/v1/score`) and pooling (`/pooling`). Its
 * `/v1/chat/completions`, `/v1/completions` and `/v1/embeddings` are the OpenAI wire format, served by the
 * openai module. Errors are vLLM's `ErrorResponse`: `{object: "error", message, type, param, code}`.
 */
const RERANK_PATHS = ['/rerank', '/v1/rerank', '/v2/rerank'];
const SCORE_PATHS = ['/score', '/v1/score'];
const OWN = new Set([...RERANK_PATHS, ...SCORE_PATHS, '/pooling']);

interface RerankBody {
  model?: unknown;
  query?: unknown;
  documents?: unknown;
  top_n?: unknown;
}

/** The model a request names, as the server echoes it. */
function modelName(model: unknown): string {
  return typeof model === 'string' ? model : 'default';
}

/** A document's text (a string or `{text}`). */
function textOf(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  const text = (doc as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : JSON.stringify(doc);
}

/** Relevance of `doc` to `query`: the share of the query's words the document contains, 0..1, rounded. */
export function relevance(query: string, doc: string): number {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 0;
  const have = new Set(doc.toLowerCase().split(/\s+/));
  return Math.round((words.filter((w) => have.has(w)).length / words.length) * 1000) / 1000;
}

function handleRerank(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as RerankBody;
  if (typeof body.query !== 'string') return ctx.error({ status: 400, message: 'query must be a string' });
  if (!Array.isArray(body.documents)) return ctx.error({ status: 400, message: 'documents must be a list' });
  const query = body.query;
  const scored = body.documents.map((d, index) => ({ index, document: { text: textOf(d) }, relevance_score: relevance(query, textOf(d)) }));
  scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  const topN = typeof body.top_n === 'number' && body.top_n > 0 ? body.top_n : scored.length;
  const tokens = countWords(query) + body.documents.reduce((n: number, d) => n + countWords(textOf(d)), 0);
  ctx.json(200, { id: `rerank-emu-${ctx.n}`, model: modelName(body.model), usage: { total_tokens: tokens }, results: scored.slice(0, topN) });
}

function handleScore(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as { model?: unknown; text_1?: unknown; text_2?: unknown };
  const list = (v: unknown): string[] | undefined => (typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined);
  const first = list(body.text_1);
  const second = list(body.text_2);
  if (!first || !second) return ctx.error({ status: 400, message: 'text_1 and text_2 must be strings or lists of strings' });
  const pairs = first.length === 1 ? second.map((t) => [first[0]!, t] as const) : first.map((t, i) => [t, second[i] ?? ''] as const);
  const tokens = pairs.reduce((n, [a, b]) => n + countWords(a) + countWords(b), 0);
  ctx.json(200, {
    id: `score-emu-${ctx.n}`,
    object: 'list',
    created: Math.floor(ctx.now() / 1000),
    model: modelName(body.model),
    data: pairs.map(([a, b], index) => ({ index, object: 'score', score: relevance(a, b) })),
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
  });
}

function handlePooling(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as { model?: unknown; input?: unknown };
  const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input.map(String) : undefined;
  if (!inputs) return ctx.error({ status: 400, message: 'input must be a string or a list of strings' });
  const tokens = inputs.reduce((n, t) => n + countWords(t), 0);
  ctx.json(200, {
    id: `pool-emu-${ctx.n}`,
    object: 'list',
    created: Math.floor(ctx.now() / 1000),
    model: modelName(body.model),
    data: inputs.map((t, index) => ({ index, object: 'pooling', data: embeddingFor(t, 8) })),
    usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
  });
}

/** vLLM's `ErrorResponse`. */
export function vllmErrorBody(spec: ErrorSpec): Record<string, unknown> {
  const type = spec.type ?? (spec.status === 404 ? 'NotFoundError' : spec.status >= 500 ? 'InternalServerError' : 'BadRequestError');
  return { object: 'error', message: spec.message ?? `status ${spec.status}`, type, param: spec.param ?? null, code: spec.status };
}

export const vllm: ProviderModule = {
  name: 'vllm',
  routes: [
    ...RERANK_PATHS.map((path): Route => ({ method: 'POST', path, handle: handleRerank })),
    ...SCORE_PATHS.map((path): Route => ({ method: 'POST', path, handle: handleScore })),
    { method: 'POST', path: '/pooling', handle: handlePooling },
  ],
  owns: ({ path }) => OWN.has(path),
  headers: ({ n }) => ({ 'x-request-id': `vllm-req-${n}` }),
  sendError: (ctx, spec) => ctx.json(spec.status, vllmErrorBody(spec), spec.retryAfter !== undefined ? { 'retry-after': String(spec.retryAfter) } : undefined),
};
