import { countWordsIn, splitWords } from '../core/tokens.js';
import type { Route, RouteContext } from '../core/types.js';
import { chatInputTexts, echoedModel, lastUserText } from '../openai/content.js';
import { invalidParameter, missingParameter } from '../openai/errors.js';
import { unixSeconds } from '../openai/flavor.js';
import { planReply, replyWords } from '../openai/reply.js';
import { GROQ_FLAVOR } from './flavor.js';
import { groqUsage } from './usage.js';

/**
 * POST /openai/v1/chat/completions (https://console.groq.com/docs/api-reference#chat-create).
 * JSON: an OpenAI `chat.completion` with Groq's `usage` timings and `x_groq: { id }`. Streaming: OpenAI
 * `chat.completion.chunk` SSE events; the first chunk carries `x_groq.id`, and the last one (the one with
 * finish_reason) carries `x_groq: { id, usage }`, which is where Groq reports streamed usage. Then
 * `data: [DONE]`.
 */
export const groqChatCompletionsRoute: Route = {
  method: 'POST',
  path: `${GROQ_FLAVOR.basePath}/chat/completions`,
  handle: handleChat,
};

interface ChatRequest {
  model?: unknown;
  messages?: unknown;
  stream?: boolean;
  reasoning_format?: 'hidden' | 'raw' | 'parsed' | null;
  n?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
}

async function handleChat(ctx: RouteContext): Promise<void> {
  const body = (ctx.body ?? {}) as ChatRequest;
  if (body.model === undefined) return ctx.error(missingParameter('model'));
  if (body.messages === undefined) return ctx.error(missingParameter('messages'));
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return ctx.error(invalidParameter('messages', "'messages' : minimum number of items is 1"));
  }
  // Groq accepts only n = 1 (https://console.groq.com/docs/openai#unsupported-features).
  if ((body.n ?? 1) !== 1) return ctx.error(invalidParameter('n', "'n' : value must be at most 1"));

  const messages = body.messages as { role?: string; content?: unknown }[];
  const reply = planReply({
    scenario: ctx.scenario,
    userText: lastUserText(messages),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
  });
  const usage = groqUsage(countWordsIn(chatInputTexts(messages)), replyWords(reply), ctx.scenario);
  const withUsage = ctx.scenario?.kind !== 'no_usage';
  const requestId = `req_emu_${ctx.n}`;
  const common = {
    id: `chatcmpl-emu-${ctx.n}`,
    created: unixSeconds(ctx.now()),
    model: echoedModel(body.model),
    system_fingerprint: GROQ_FLAVOR.systemFingerprint,
  };
  const toolCallId = `call_emu_${ctx.n}`;
  // A `reasoning` scenario with reasoning_format 'parsed' returns the reasoning text in `message.reasoning`
  // (https://console.groq.com/docs/reasoning#reasoning-format): `tokens` words, `step1 step2 ...`.
  const reasoning =
    ctx.scenario?.kind === 'reasoning' && body.reasoning_format === 'parsed'
      ? Array.from({ length: ctx.scenario.tokens }, (_, i) => `step${i + 1}`).join(' ')
      : undefined;
  const finishReason = reply.kind === 'tool_call' ? 'tool_calls' : reply.truncated ? 'length' : 'stop';

  if (!body.stream) {
    const message =
      reply.kind === 'tool_call'
        ? { role: 'assistant', tool_calls: [{ id: toolCallId, type: 'function', function: { name: reply.name, arguments: reply.arguments } }] }
        : { role: 'assistant', content: reply.text, ...(reasoning !== undefined ? { reasoning } : {}) };
    return ctx.json(200, {
      ...common,
      object: 'chat.completion',
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      ...(withUsage ? { usage } : {}),
      x_groq: { id: requestId },
    });
  }

  const sse = ctx.sse();
  const chunk = (delta: unknown, finish: string | null, xGroq?: unknown) => ({
    ...common,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(xGroq ? { x_groq: xGroq } : {}),
  });
  const deltas: unknown[] =
    reply.kind === 'tool_call'
      ? [
          { role: 'assistant', content: null },
          // Groq sends a tool call whole, in one delta, rather than argument fragments.
          { tool_calls: [{ index: 0, id: toolCallId, type: 'function', function: { name: reply.name, arguments: reply.arguments } }] },
        ]
      : [
          { role: 'assistant', content: '' },
          ...(reasoning !== undefined ? splitWords(reasoning).map((word) => ({ reasoning: word })) : []),
          ...splitWords(reply.text).map((word) => ({ content: word })),
        ];
  for (let i = 0; i < deltas.length; i++) await sse.send(chunk(deltas[i], null, i === 0 ? { id: requestId } : undefined));
  await sse.send(chunk({}, finishReason, withUsage ? { id: requestId, usage } : { id: requestId }));
  await sse.sendRaw('[DONE]');
  sse.end();
}
