import type { RouteContext } from '../core/types.js';

/**
 * TEI's `inputs`: one string or a batch of strings (https://huggingface.github.io/text-embeddings-inference/
 * EmbedRequest). Answers TEI's errors and returns undefined when they are missing, empty or not text.
 */
export function textInputs(ctx: RouteContext, value: unknown, field = 'inputs'): string[] | undefined {
  const inputs = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) {
    ctx.error({
      status: 422,
      type: 'validation',
      message: `Failed to deserialize the JSON body into the target type: \`${field}\`: data did not match any variant`,
    });
    return undefined;
  }
  if (inputs.length === 0 || inputs.some((i) => i === '')) {
    ctx.error({ status: 400, message: `\`${field}\` cannot be empty` });
    return undefined;
  }
  if (inputs.length > MAX_CLIENT_BATCH_SIZE) {
    ctx.error({ status: 413, message: `batch size ${inputs.length} > maximum allowed batch size ${MAX_CLIENT_BATCH_SIZE}` });
    return undefined;
  }
  return inputs as string[];
}

/** `max_client_batch_size` in `/info`. */
export const MAX_CLIENT_BATCH_SIZE = 32;

/** Cosine similarity of two unit vectors. */
export function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
