import { embeddingFor } from '../core/embedding.js';
import { countWordsIn } from '../core/tokens.js';
import type { RouteContext } from '../core/types.js';
import { LOAD_NS, PROMPT_NS_PER_TOKEN } from './reply.js';

/** nomic-embed-text, Ollama's usual embedding model, has 768 dimensions. */
const DEFAULT_DIMENSIONS = 768;

/** /api/embed: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings */
export function embed(ctx: RouteContext): void {
  const body = ctx.body as { model?: string; input?: unknown; dimensions?: number } | undefined;
  if (typeof body?.model !== 'string' || body.model === '') return ctx.error({ status: 400, message: 'model is required' });
  const inputs = typeof body.input === 'string' ? [body.input] : body.input;
  if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) {
    return ctx.error({ status: 400, message: 'invalid input type' });
  }
  const dims = Number.isInteger(body.dimensions) && body.dimensions! > 0 ? body.dimensions! : DEFAULT_DIMENSIONS;
  const tokens = countWordsIn(inputs as string[]);
  ctx.json(200, {
    model: body.model,
    embeddings: (inputs as string[]).map((text) => embeddingFor(text, dims)),
    total_duration: LOAD_NS + tokens * PROMPT_NS_PER_TOKEN,
    load_duration: LOAD_NS,
    prompt_eval_count: tokens,
  });
}

/** /api/embeddings (legacy, one prompt, no usage): https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embedding */
export function embeddings(ctx: RouteContext): void {
  const body = ctx.body as { model?: string; prompt?: unknown } | undefined;
  if (typeof body?.model !== 'string' || body.model === '') return ctx.error({ status: 400, message: 'model is required' });
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  ctx.json(200, { embedding: embeddingFor(prompt, DEFAULT_DIMENSIONS) });
}
