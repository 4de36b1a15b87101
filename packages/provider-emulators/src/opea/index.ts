import { countWords, splitWords } from '../core/tokens.js';
import type { ProviderModule, Route, RouteContext } from '../core/types.js';

/**
 * OPEA megaservice gateways (GenAIExamples: ChatQnA `/v1/chatqna`, CodeGen `/v1/codegen`, CodeTrans
 * `/v1/codetrans`, DocSum `/v1/docsum`, FaqGen `/v1/faqgen`, Translation `/v1/translation`, SearchQnA
 * `/v1/searchqna`; request and response types from GenAIComps' `ChatCompletionRequest` /
 * `ChatCompletionResponse`). `messages` is a string or chat messages; `stream` defaults to true. A plain
 * answer is an OpenAI-style `chat.completion` with `usage`; a streamed answer is `text/event-stream` of
 * the tokens as Python bytes literals (`data: b' word'`), then `data: [DONE]`, as the gateways send
 * them. The reply is `<Service>: <the prompt>`. Errors are FastAPI's `{"detail": ...}`.
 */
export const OPEA_SERVICES = ['chatqna', 'codegen', 'codetrans', 'docsum', 'faqgen', 'translation', 'searchqna'] as const;

function promptOf(messages: unknown): string | undefined {
  if (typeof messages === 'string') return messages;
  if (!Array.isArray(messages)) return undefined;
  const last = (messages as Array<{ role?: unknown; content?: unknown } | null>).findLast((m) => m?.role === 'user');
  return typeof last?.content === 'string' ? last.content : undefined;
}

/** A token as a Python bytes literal, the way the gateways print it. */
export function bytesLiteral(text: string): string {
  return `b'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

async function handleGateway(ctx: RouteContext, service: string): Promise<void> {
  const body = (ctx.body ?? {}) as { messages?: unknown; stream?: unknown; model?: unknown };
  const prompt = promptOf(body.messages);
  if (prompt === undefined) return ctx.error({ status: 422, message: 'messages: field required' });
  const text = ctx.scenario?.kind === 'text' ? ctx.scenario.text : `${service}: ${prompt}`;
  if (body.stream !== false) {
    const sse = ctx.sse();
    const words = splitWords(text);
    for (const word of words) await sse.sendRaw(bytesLiteral(word));
    await sse.sendRaw('[DONE]');
    return sse.end();
  }
  const input = countWords(prompt);
  const output = countWords(text);
  ctx.json(200, {
    id: `chatcmpl-opea-${ctx.n}`,
    object: 'chat.completion',
    created: Math.floor(ctx.now() / 1000),
    model: typeof body.model === 'string' ? body.model : service,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: input, total_tokens: input + output, completion_tokens: output },
  });
}

export const opea: ProviderModule = {
  name: 'opea',
  routes: OPEA_SERVICES.map((service): Route => ({ method: 'POST', path: `/v1/${service}`, handle: (ctx) => handleGateway(ctx, service) })),
  owns: ({ path }) => OPEA_SERVICES.some((s) => path === `/v1/${s}`),
  sendError: (ctx, spec) =>
    ctx.json(
      spec.status,
      { detail: spec.message ?? `status ${spec.status}` },
      spec.retryAfter !== undefined ? { 'retry-after': String(spec.retryAfter) } : undefined,
    ),
};
