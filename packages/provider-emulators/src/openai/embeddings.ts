import { embeddingFor, float32Base64 } from '../core/embedding.js';
import { countWords } from '../core/tokens.js';
import type { Route, RouteContext } from '../core/types.js';
import { echoedModel } from './content.js';
import { invalidParameter, missingParameter } from './errors.js';
import type { OpenAiFlavor } from './flavor.js';

/** Vector length when the request gives no `dimensions` (text-embedding-3-small's native size). */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

/**
 * POST {base}/embeddings — https://platform.openai.com/docs/api-reference/embeddings/create
 * `input` is a string, a list of strings, a token array or a list of token arrays. Each input gets a
 * deterministic unit vector of `dimensions` floats (or base64 little-endian float32 with
 * `encoding_format: 'base64'`). Usage counts words of string inputs and elements of token arrays.
 */
export function embeddingsRoute(flavor: OpenAiFlavor): Route {
  return { method: 'POST', path: `${flavor.basePath}/embeddings`, handle: handleEmbeddings };
}

function handleEmbeddings(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as { model?: unknown; input?: unknown; dimensions?: unknown; encoding_format?: unknown };
  if (body.model === undefined) return ctx.error({ status: 400, message: 'you must provide a model parameter', type: 'invalid_request_error', code: null });
  if (body.input === undefined) return ctx.error(missingParameter('input'));
  const inputs = normalizeInputs(body.input);
  if (!inputs)
    return ctx.error(invalidParameter('input', "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."));
  const dimensions = body.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) {
    return ctx.error(
      invalidParameter(
        'dimensions',
        `Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${JSON.stringify(dimensions)} instead.`,
      ),
    );
  }
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    return ctx.error(
      invalidParameter(
        'encoding_format',
        `Invalid value: '${typeof format === 'string' ? format : JSON.stringify(format)}'. Supported values are: 'float' and 'base64'.`,
      ),
    );
  }
  let tokens = 0;
  const data = inputs.map((input, index) => {
    tokens += typeof input === 'string' ? countWords(input) : input.length;
    const vector = embeddingFor(typeof input === 'string' ? input : input.join(' '), dimensions);
    return { object: 'embedding', index, embedding: format === 'base64' ? float32Base64(vector) : vector };
  });
  ctx.json(200, { object: 'list', data, model: echoedModel(body.model), usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

function normalizeInputs(input: unknown): (string | number[])[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === 'number')) return [input];
  if (input.every((x) => typeof x === 'string')) return input;
  if (input.every((x): x is number[] => Array.isArray(x) && x.every((t) => typeof t === 'number'))) return input;
  return undefined;
}
