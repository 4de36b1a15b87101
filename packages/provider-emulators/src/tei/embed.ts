import { embeddingFor } from '../core/embedding.js';
import { countWordsIn, splitWords } from '../core/tokens.js';
import type { RouteContext } from '../core/types.js';
import { dot, textInputs } from './inputs.js';

/** BAAI/bge-small-en-v1.5, the emulated model, has 384 dimensions. */
export const TEI_DIMENSIONS = 384;
/** The tokenizer's vocabulary size: sparse indices fall below it. */
const VOCABULARY = 30522;

interface EmbedRequest {
  inputs?: unknown;
  input?: unknown;
  normalize?: boolean;
  dimensions?: number | null;
  model?: unknown;
  encoding_format?: string;
}

function dimensionsOf(body: EmbedRequest): number {
  return Number.isInteger(body.dimensions) && body.dimensions! > 0 && body.dimensions! <= TEI_DIMENSIONS ? body.dimensions! : TEI_DIMENSIONS;
}

/** POST /embed: one pooled vector per input, `number[][]`. */
export function embed(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as EmbedRequest;
  const inputs = textInputs(ctx, body.inputs);
  if (inputs)
    ctx.json(
      200,
      inputs.map((text) => embeddingFor(text, dimensionsOf(body))),
      tokenHeaders(inputs),
    );
}

/** POST /embed_all: one vector per token of each input (no pooling), `number[][][]`. */
export function embedAll(ctx: RouteContext): void {
  const inputs = textInputs(ctx, ((ctx.body ?? {}) as EmbedRequest).inputs);
  if (inputs)
    ctx.json(
      200,
      inputs.map((text) => splitWords(text).map((token) => embeddingFor(token.trim(), TEI_DIMENSIONS))),
      tokenHeaders(inputs),
    );
}

/** POST /embed_sparse: SPLADE-style `{index, value}` lists, one entry per distinct token of each input. */
export function embedSparse(ctx: RouteContext): void {
  const inputs = textInputs(ctx, ((ctx.body ?? {}) as EmbedRequest).inputs);
  if (!inputs) return;
  const sparse = inputs.map((text) => {
    const entries = new Map<number, number>();
    for (const token of splitWords(text)) {
      const vector = embeddingFor(token.trim().toLowerCase(), 2);
      entries.set(Math.floor(Math.abs(vector[0]!) * VOCABULARY) % VOCABULARY, Math.fround(Math.abs(vector[1]!) + 0.1));
    }
    return [...entries].sort((a, b) => a[0] - b[0]).map(([index, value]) => ({ index, value }));
  });
  ctx.json(200, sparse, tokenHeaders(inputs));
}

/**
 * POST /v1/embeddings, TEI's OpenAI-compatible route: `input` is a string or a batch; the answer is an
 * OpenAI embeddings list with TEI's served model and prompt-token usage.
 */
export function openAiEmbeddings(ctx: RouteContext, modelId: string): void {
  const body = (ctx.body ?? {}) as EmbedRequest;
  const inputs = textInputs(ctx, body.input, 'input');
  if (!inputs) return;
  const tokens = countWordsIn(inputs);
  ctx.json(
    200,
    {
      object: 'list',
      data: inputs.map((text, index) => ({ object: 'embedding', embedding: embeddingFor(text, dimensionsOf(body)), index })),
      model: modelId,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
    tokenHeaders(inputs),
  );
}

/** POST /similarity: `{inputs: {source_sentence, sentences}}` -> the cosine similarity of each sentence to the source. */
export function similarity(ctx: RouteContext): void {
  const inputs = ((ctx.body ?? {}) as { inputs?: { source_sentence?: unknown; sentences?: unknown } }).inputs;
  const source = textInputs(ctx, inputs?.source_sentence, 'source_sentence');
  if (!source) return;
  const sentences = textInputs(ctx, inputs?.sentences, 'sentences');
  if (!sentences) return;
  const anchor = embeddingFor(source[0]!, TEI_DIMENSIONS);
  ctx.json(
    200,
    sentences.map((s) => Math.fround(dot(anchor, embeddingFor(s, TEI_DIMENSIONS)))),
    tokenHeaders([...source, ...sentences]),
  );
}

/** TEI reports the tokens it processed in `x-total-tokens` (besides its timing headers). */
export function tokenHeaders(inputs: string[]): Record<string, string> {
  return { 'x-compute-type': 'cpu', 'x-compute-tokens': String(countWordsIn(inputs)), 'x-compute-characters': String(inputs.join('').length) };
}
