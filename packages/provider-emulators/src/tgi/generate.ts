import { countWords, splitWords } from '../core/tokens.js';
import type { RouteContext } from '../core/types.js';
import { planReply } from '../openai/reply.js';

/**
 * TGI's native routes (https://huggingface.github.io/text-generation-inference/, GenerateRequest):
 * `POST /generate` answers `{generated_text, details?}`, `POST /generate_stream` answers SSE `data:`
 * events, one per token (`{index, token, top_tokens, generated_text: null, details: null}`), the last one
 * carrying the whole `generated_text` and (with `parameters.details`) the stream details; `POST /` is the
 * compatibility route: `stream: true` streams as /generate_stream, otherwise the answer is a
 * one-element array of /generate's object.
 */
interface GenerateRequest {
  inputs?: unknown;
  parameters?: {
    max_new_tokens?: number | null;
    details?: boolean;
    decoder_input_details?: boolean;
    seed?: number | null;
    stop?: string[];
  } | null;
  stream?: boolean;
}

/** One generated token as TGI reports it. Ids and logprobs are deterministic stand-ins. */
interface Token {
  id: number;
  text: string;
  logprob: number;
  special: boolean;
}

interface Generation {
  text: string;
  tokens: Token[];
  finishReason: 'length' | 'eos_token';
  inputLength: number;
  seed: number | null;
}

/** Validates the request as TGI does (`inputs` is a non-empty string) and plans the answer. */
function generation(ctx: RouteContext): Generation | undefined {
  const body = (ctx.body ?? {}) as GenerateRequest;
  if (typeof body.inputs !== 'string') {
    ctx.error({ status: 422, message: 'Failed to deserialize the JSON body into the target type: missing field `inputs`' });
    return undefined;
  }
  if (body.inputs === '') {
    ctx.error({ status: 422, message: 'Input validation error: `inputs` cannot be empty' });
    return undefined;
  }
  const max = body.parameters?.max_new_tokens;
  if (max !== undefined && max !== null && (!Number.isInteger(max) || max < 1)) {
    ctx.error({ status: 422, message: 'Input validation error: `max_new_tokens` must be strictly positive' });
    return undefined;
  }
  const scenario = ctx.scenario?.kind === 'tool_call' ? undefined : ctx.scenario;
  const reply = planReply({ scenario, userText: body.inputs, maxTokens: max ?? undefined });
  const text = reply.kind === 'text' ? reply.text : '';
  const tokens = splitWords(text).map((piece, i) => ({ id: 1000 + i, text: piece, logprob: -0.25, special: false }));
  return {
    text,
    tokens,
    finishReason: reply.kind === 'text' && reply.truncated ? 'length' : 'eos_token',
    inputLength: countWords(body.inputs),
    seed: body.parameters?.seed ?? null,
  };
}

function wantsDetails(ctx: RouteContext): boolean {
  return ((ctx.body ?? {}) as GenerateRequest).parameters?.details === true;
}

function wantsPrefill(ctx: RouteContext): boolean {
  return ((ctx.body ?? {}) as GenerateRequest).parameters?.decoder_input_details === true;
}

/** The prompt's tokens (`details.prefill`, with `decoder_input_details`): the first has no logprob. */
function prefill(inputs: string) {
  return splitWords(inputs).map((text, i) => ({ id: 500 + i, text, logprob: i === 0 ? null : -1 }));
}

/** `details` come with `parameters.details` or `decoder_input_details`; `prefill` is empty unless the latter was asked. */
function generateResponse(ctx: RouteContext, g: Generation) {
  const details =
    wantsDetails(ctx) || wantsPrefill(ctx)
      ? {
          finish_reason: g.finishReason,
          generated_tokens: g.tokens.length,
          seed: g.seed,
          prefill: wantsPrefill(ctx) ? prefill(inputsOf(ctx)) : [],
          tokens: g.tokens,
        }
      : undefined;
  return { generated_text: g.text, ...(details ? { details } : {}) };
}

/** The response headers TGI adds to a whole generation (token counts and timings). */
function generationHeaders(g: Generation, inputs: string): Record<string, string> {
  return {
    ...streamHeaders(inputs),
    'x-prompt-tokens': String(g.inputLength),
    'x-generated-tokens': String(g.tokens.length),
  };
}

/**
 * A stream's headers go out before any token is generated, so TGI sends no token counts there (they
 * arrive in the last event's `details`).
 */
function streamHeaders(inputs: string): Record<string, string> {
  return { 'x-compute-type': 'gpu+optimized', 'x-compute-characters': String([...inputs].length) };
}

function inputsOf(ctx: RouteContext): string {
  return String(((ctx.body ?? {}) as GenerateRequest).inputs);
}

async function stream(ctx: RouteContext, g: Generation): Promise<void> {
  const sse = ctx.sse({ ...streamHeaders(inputsOf(ctx)), 'x-accel-buffering': 'no' });
  const details = wantsDetails(ctx);
  // A reply with no tokens still ends with one (special) end-of-sequence token that carries the text.
  const tokens = g.tokens.length > 0 ? g.tokens : [{ id: 2, text: '', logprob: 0, special: true }];
  for (const [i, token] of tokens.entries()) {
    const last = i === tokens.length - 1;
    await sse.send({
      index: i + 1,
      token,
      top_tokens: null,
      generated_text: last ? g.text : null,
      details: last && details ? { finish_reason: g.finishReason, generated_tokens: g.tokens.length, input_length: g.inputLength, seed: g.seed } : null,
    });
  }
  sse.end();
}

/** POST /generate */
export function generate(ctx: RouteContext): void {
  const g = generation(ctx);
  if (g) ctx.json(200, generateResponse(ctx, g), generationHeaders(g, inputsOf(ctx)));
}

/** POST /generate_stream */
export async function generateStream(ctx: RouteContext): Promise<void> {
  const g = generation(ctx);
  if (g) await stream(ctx, g);
}

/** POST / (compatibility route) */
export async function compatGenerate(ctx: RouteContext): Promise<void> {
  const g = generation(ctx);
  if (!g) return;
  if (((ctx.body ?? {}) as GenerateRequest).stream === true) return stream(ctx, g);
  ctx.json(200, [generateResponse(ctx, g)], generationHeaders(g, inputsOf(ctx)));
}
