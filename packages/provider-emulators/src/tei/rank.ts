import { embeddingFor } from '../core/embedding.js';
import type { RouteContext } from '../core/types.js';
import { TEI_DIMENSIONS, tokenHeaders } from './embed.js';
import { dot, textInputs } from './inputs.js';

/** A logistic squash, as TEI applies to raw scores unless `raw_scores` is set. */
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * POST /rerank: `{query, texts, raw_scores?, return_text?}` -> `[{index, score, text?}]`, best first
 * (https://huggingface.github.io/text-embeddings-inference/ RerankRequest / Rank). The score is a
 * deterministic function of query and text.
 */
export function rerank(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as { query?: unknown; texts?: unknown; raw_scores?: boolean; return_text?: boolean };
  const query = textInputs(ctx, body.query, 'query');
  if (!query) return;
  const texts = textInputs(ctx, body.texts, 'texts');
  if (!texts) return;
  const anchor = embeddingFor(query[0]!, TEI_DIMENSIONS);
  const ranks = texts.map((text, index) => {
    const raw = 4 * dot(anchor, embeddingFor(text, TEI_DIMENSIONS));
    return { index, score: Math.fround(body.raw_scores ? raw : sigmoid(raw)), ...(body.return_text ? { text } : {}) };
  });
  ranks.sort((a, b) => b.score - a.score || a.index - b.index);
  ctx.json(200, ranks, tokenHeaders([...query, ...texts]));
}

/** The emulated classifier's labels (`id2label` in `/info`). */
export const LABELS = ['negative', 'positive'] as const;

/**
 * POST /predict: `inputs` is one text, a text pair, or a batch of either -> `[{score, label}]` (best
 * first) for one, `[[{score, label}]]` for a batch (https://huggingface.github.io/text-embeddings-inference/ PredictRequest).
 */
export function predict(ctx: RouteContext): void {
  const inputs = ((ctx.body ?? {}) as { inputs?: unknown }).inputs;
  const isPair = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every((s) => typeof s === 'string');
  const batch = Array.isArray(inputs) && inputs.length > 0 && inputs.every((i) => typeof i === 'string' || isPair(i)) && !isPair(inputs);
  const items: unknown[] = batch ? inputs : [inputs];
  const texts: string[] = [];
  for (const item of items) {
    const parts = textInputs(ctx, item);
    if (!parts) return;
    texts.push(parts.join(' '));
  }
  const predictions = texts.map((text) => {
    const p = sigmoid(8 * embeddingFor(text, 1)[0]!);
    return [
      { score: Math.fround(p), label: LABELS[1] },
      { score: Math.fround(1 - p), label: LABELS[0] },
    ].sort((a, b) => b.score - a.score);
  });
  ctx.json(200, batch ? predictions : predictions[0], tokenHeaders(texts));
}
