import { embeddingFor } from '../core/embedding.js';
import { countWords } from '../core/tokens.js';
import type { RouteContext } from '../core/types.js';
import { textsOf, type WireContent } from './content.js';

/** Gemini embeddings default to 768 dimensions (text-embedding-004, gemini-embedding-001 truncated). */
const DEFAULT_DIMENSIONS = 768;

function dimensionsOf(value: unknown): number {
  return Number.isInteger(value) && (value as number) > 0 ? (value as number) : DEFAULT_DIMENSIONS;
}

function vectorFor(content: WireContent | undefined, dimensions: unknown): { values: number[] } {
  return { values: embeddingFor(textsOf(content ? [content] : []).join(' '), dimensionsOf(dimensions)) };
}

/** embedContent: https://ai.google.dev/api/embeddings#method:-models.embedcontent */
export function embedContent(ctx: RouteContext): void {
  const body = ctx.body as { content?: WireContent; outputDimensionality?: number } | undefined;
  if (!body?.content) return ctx.error({ status: 400, message: '* EmbedContentRequest.content: content is not specified\n' });
  ctx.json(200, { embedding: vectorFor(body.content, body.outputDimensionality) });
}

/** batchEmbedContents: https://ai.google.dev/api/embeddings#method:-models.batchembedcontents */
export function batchEmbedContents(ctx: RouteContext): void {
  const requests = (ctx.body as { requests?: Array<{ content?: WireContent; outputDimensionality?: number }> } | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    return ctx.error({ status: 400, message: '* BatchEmbedContentsRequest.requests: requests is not specified\n' });
  }
  const missing = requests.findIndex((r) => !r?.content);
  if (missing !== -1) return ctx.error({ status: 400, message: `* BatchEmbedContentsRequest.requests[${missing}].content: content is not specified\n` });
  ctx.json(200, { embeddings: requests.map((r) => vectorFor(r.content, r.outputDimensionality)) });
}

/**
 * Vertex AI text-embedding models answer `:predict` (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api):
 * `predictions[].embeddings.{values, statistics.token_count}`.
 */
export function predictEmbeddings(ctx: RouteContext): void {
  const body = ctx.body as { instances?: Array<{ content?: string }>; parameters?: { outputDimensionality?: number } } | undefined;
  const instances = body?.instances;
  if (!Array.isArray(instances) || instances.length === 0) return ctx.error({ status: 400, message: 'instances is required' });
  const predictions = instances.map((instance) => {
    const text = typeof instance?.content === 'string' ? instance.content : '';
    return {
      embeddings: {
        values: embeddingFor(text, dimensionsOf(body?.parameters?.outputDimensionality)),
        statistics: { token_count: countWords(text), truncated: false },
      },
    };
  });
  const billable = instances.reduce((n, i) => n + (typeof i?.content === 'string' ? i.content.length : 0), 0);
  ctx.json(200, { predictions, metadata: { billableCharacterCount: billable } });
}
