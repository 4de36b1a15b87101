import { splitWords } from '../core/tokens.js';
import type { RouteContext } from '../core/types.js';
import { planReply, type OllamaPlan } from './reply.js';

/**
 * /api/chat and /api/generate (https://github.com/ollama/ollama/blob/main/docs/api.md). Streaming is the
 * server's default (`stream` absent = true): NDJSON, one object per word, then a final object with
 * `done: true`, `done_reason` and the metrics.
 */
interface ChatMessage {
  role?: string;
  content?: string;
}

function isStreaming(ctx: RouteContext): boolean {
  return (ctx.body as { stream?: boolean }).stream !== false;
}

function requireModel(ctx: RouteContext): boolean {
  const model = (ctx.body as { model?: unknown } | undefined)?.model;
  if (typeof model === 'string' && model !== '') return true;
  ctx.error({ status: 400, message: 'model is required' });
  return false;
}

function head(ctx: RouteContext) {
  return { model: (ctx.body as { model: string }).model, created_at: new Date(ctx.now()).toISOString() };
}

function finalFields(plan: OllamaPlan) {
  return { done: true, done_reason: plan.doneReason, ...(plan.metrics ?? {}) };
}

export async function chat(ctx: RouteContext): Promise<void> {
  if (!requireModel(ctx)) return;
  const messages = (ctx.body as { messages?: ChatMessage[] }).messages;
  if (messages !== undefined && !Array.isArray(messages)) return ctx.error({ status: 400, message: 'messages must be an array' });
  const list = messages ?? [];
  const lastUser = [...list].reverse().find((m) => m?.role === 'user');
  const plan = planReply(
    ctx,
    list.map((m) => (typeof m?.content === 'string' ? m.content : '')),
    lastUser?.content ?? '',
  );
  const message = (content: string, extra: Record<string, unknown> = {}) => ({ role: 'assistant', content, ...extra });

  if (!isStreaming(ctx)) {
    return ctx.json(200, {
      ...head(ctx),
      message: message(plan.text, { ...(plan.thinking ? { thinking: plan.thinking } : {}), ...(plan.toolCalls ? { tool_calls: plan.toolCalls } : {}) }),
      ...finalFields(plan),
    });
  }
  const out = ctx.ndjson();
  if (plan.thinking) await out.send({ ...head(ctx), message: message('', { thinking: plan.thinking }), done: false });
  if (plan.toolCalls) await out.send({ ...head(ctx), message: message('', { tool_calls: plan.toolCalls }), done: false });
  else for (const piece of splitWords(plan.text)) await out.send({ ...head(ctx), message: message(piece), done: false });
  await out.send({ ...head(ctx), message: message(''), ...finalFields(plan) });
  out.end();
}

export async function generate(ctx: RouteContext): Promise<void> {
  if (!requireModel(ctx)) return;
  const body = ctx.body as { prompt?: string; system?: string };
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  const plan = planReply(ctx, [typeof body.system === 'string' ? body.system : '', prompt], prompt);
  // `context` encodes the conversation for the next call; any stable token list will do here.
  const context = [ctx.n, plan.metrics?.prompt_eval_count ?? 0, plan.metrics?.eval_count ?? 0];

  if (!isStreaming(ctx)) {
    return ctx.json(200, {
      ...head(ctx),
      response: plan.text,
      ...(plan.thinking ? { thinking: plan.thinking } : {}),
      ...finalFields(plan),
      context,
    });
  }
  const out = ctx.ndjson();
  if (plan.thinking) await out.send({ ...head(ctx), response: '', thinking: plan.thinking, done: false });
  for (const piece of splitWords(plan.text)) await out.send({ ...head(ctx), response: piece, done: false });
  await out.send({ ...head(ctx), response: '', ...finalFields(plan), context });
  out.end();
}
