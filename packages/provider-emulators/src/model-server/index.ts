import { countWords } from '../core/tokens.js';
import type { ProviderModule, RouteContext } from '../core/types.js';

/**
 * The REST model-server contract (instrumentation-inference-servers README, "REST model server"):
 * `GET /models` lists `{models: [{id}]}`, `GET /models/{id}` describes one, `POST /models/{id}/infer` with
 * `{input, parameters}` answers `{id, model, output, usage: {input_tokens, output_tokens}}`, and
 * `POST /models/{id}/batch_infer` with `{inputs: [...], parameters}` answers `{id, model, outputs, usage}`.
 * The served model echoes: the output of input `x` is `Echo: x` (a string input) or `x` itself.
 * Errors are `{"error": {"code", "message"}}`.
 */
export const MODEL_SERVER_MODELS = ['echo-1', 'echo-2'];

function answer(input: unknown): unknown {
  return typeof input === 'string' ? `Echo: ${input}` : input;
}

function tokensOf(value: unknown): number {
  return typeof value === 'string' ? countWords(value) : JSON.stringify(value ?? null).length;
}

function known(ctx: RouteContext): boolean {
  if (MODEL_SERVER_MODELS.includes(ctx.params.id!)) return true;
  ctx.error({ status: 404, message: `model ${ctx.params.id} not found` });
  return false;
}

export const modelServer: ProviderModule = {
  name: 'model_server',
  routes: [
    { method: 'GET', path: '/models', handle: (ctx) => ctx.json(200, { models: MODEL_SERVER_MODELS.map((id) => ({ id })) }) },
    { method: 'GET', path: '/models/{id}', handle: (ctx) => known(ctx) && ctx.json(200, { id: ctx.params.id, status: 'ready' }) },
    {
      method: 'POST',
      path: '/models/{id}/infer',
      handle: (ctx: RouteContext): void => {
        if (!known(ctx)) return;
        const body = (ctx.body ?? {}) as { input?: unknown };
        if (body.input === undefined) return ctx.error({ status: 422, message: 'input is required' });
        const output = answer(body.input);
        ctx.json(200, { id: `inf-${ctx.n}`, model: ctx.params.id, output, usage: { input_tokens: tokensOf(body.input), output_tokens: tokensOf(output) } });
      },
    },
    {
      method: 'POST',
      path: '/models/{id}/batch_infer',
      handle: (ctx: RouteContext): void => {
        if (!known(ctx)) return;
        const body = (ctx.body ?? {}) as { inputs?: unknown };
        if (!Array.isArray(body.inputs)) return ctx.error({ status: 422, message: 'inputs must be a list' });
        const outputs = body.inputs.map(answer);
        const input = body.inputs.reduce((n: number, x) => n + tokensOf(x), 0);
        const output = outputs.reduce((n: number, x) => n + tokensOf(x), 0);
        ctx.json(200, { id: `inf-${ctx.n}`, model: ctx.params.id, outputs, usage: { input_tokens: input, output_tokens: output } });
      },
    },
  ],
  owns: ({ path }) => path === '/models' || path.startsWith('/models/'),
  sendError: (ctx, spec) =>
    ctx.json(
      spec.status,
      { error: { code: spec.status, message: spec.message ?? `status ${spec.status}` } },
      spec.retryAfter !== undefined ? { 'retry-after': String(spec.retryAfter) } : undefined,
    ),
};
