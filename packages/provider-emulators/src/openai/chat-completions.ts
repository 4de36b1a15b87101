import { countWordsIn, splitWords } from '../core/tokens.js';
import type { Route, RouteContext } from '../core/types.js';
import { chatInputTexts, echoedModel, lastUserText } from './content.js';
import { invalidParameter, missingParameter } from './errors.js';
import { unixSeconds, type OpenAiFlavor } from './flavor.js';
import { argumentFragments, planReply, replyWords, type Reply } from './reply.js';
import { forcedTool } from './tool-choice.js';
import { chatUsage } from './usage.js';

/**
 * POST {base}/chat/completions — https://platform.openai.com/docs/api-reference/chat/create
 * JSON: a `chat.completion` object. Streaming: `chat.completion.chunk` SSE events, the first carrying the
 * role, then one content delta per word, then a chunk with finish_reason, then (with
 * stream_options.include_usage) a chunk with `choices: []` and usage, then `data: [DONE]`.
 */
export function chatCompletionsRoute(flavor: OpenAiFlavor): Route {
  return { method: 'POST', path: `${flavor.basePath}/chat/completions`, handle: (ctx) => handleChat(ctx, flavor) };
}

interface ChatRequest {
  model?: unknown;
  messages?: unknown;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  n?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  response_format?: { type?: string; json_schema?: { schema?: unknown } } | null;
  service_tier?: string | null;
  tools?: unknown;
  tool_choice?: unknown;
}

async function handleChat(ctx: RouteContext, flavor: OpenAiFlavor): Promise<void> {
  const body = (ctx.body ?? {}) as ChatRequest;
  if (body.model === undefined) return ctx.error({ status: 400, message: 'you must provide a model parameter', type: 'invalid_request_error', code: null });
  if (body.messages === undefined) return ctx.error(missingParameter('messages'));
  if (!Array.isArray(body.messages)) return ctx.error(invalidParameter('messages', "Invalid type for 'messages': expected an array."));
  if (body.messages.length === 0)
    return ctx.error(invalidParameter('messages', "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."));
  const n = body.n ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 128) return ctx.error(invalidParameter('n', `Invalid 'n': integer ${n} is not between 1 and 128.`));

  const messages = body.messages as { role?: string; content?: unknown }[];
  const rf = body.response_format;
  const reply = planReply({
    scenario: ctx.scenario,
    userText: lastUserText(messages),
    schema: rf?.type === 'json_schema' ? (rf.json_schema?.schema ?? {}) : undefined,
    jsonObject: rf?.type === 'json_object',
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    forcedTool: forcedTool(body.tool_choice, body.tools),
  });
  const inputTokens = countWordsIn(chatInputTexts(messages));
  const usage = chatUsage(inputTokens, replyWords(reply) * n, ctx.scenario);
  const common = {
    id: `chatcmpl-emu-${ctx.n}`,
    created: unixSeconds(ctx.now()),
    model: echoedModel(body.model),
    service_tier: body.service_tier && body.service_tier !== 'auto' ? body.service_tier : 'default',
    system_fingerprint: flavor.systemFingerprint,
  };
  const toolCallId = `call-emu-${ctx.n}`;
  const finishReason = reply.kind === 'tool_call' ? 'tool_calls' : reply.truncated ? 'length' : 'stop';
  const withUsage = ctx.scenario?.kind !== 'no_usage';

  if (!body.stream) {
    const message =
      reply.kind === 'tool_call'
        ? {
            role: 'assistant',
            content: null,
            refusal: null,
            annotations: [],
            tool_calls: [{ id: toolCallId, type: 'function', function: { name: reply.name, arguments: reply.arguments } }],
          }
        : { role: 'assistant', content: reply.text, refusal: null, annotations: [] };
    const choices = Array.from({ length: n }, (_, index) => ({ index, message, logprobs: null, finish_reason: finishReason }));
    return ctx.json(200, { ...common, object: 'chat.completion', choices, ...(withUsage ? { usage } : {}) });
  }

  const includeUsage = body.stream_options?.include_usage === true && withUsage;
  const sse = ctx.sse();
  // With include_usage every chunk carries `usage: null` until the dedicated usage chunk.
  const chunk = (choices: unknown[]) => ({ ...common, object: 'chat.completion.chunk', choices, ...(includeUsage ? { usage: null } : {}) });
  const choice = (index: number, delta: unknown, finish: string | null = null) => ({ index, delta, logprobs: null, finish_reason: finish });
  for (let index = 0; index < n; index++) {
    for (const delta of streamDeltas(reply, toolCallId)) await sse.send(chunk([choice(index, delta)]));
    await sse.send(chunk([choice(index, {}, finishReason)]));
  }
  if (includeUsage) await sse.send({ ...common, object: 'chat.completion.chunk', choices: [], usage });
  await sse.sendRaw('[DONE]');
  sse.end();
}

/** The deltas of one choice, in order: role first, then content words or tool-call fragments. */
function streamDeltas(reply: Reply, toolCallId: string): unknown[] {
  if (reply.kind === 'tool_call') {
    return [
      {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [{ index: 0, id: toolCallId, type: 'function', function: { name: reply.name, arguments: '' } }],
      },
      ...argumentFragments(reply.arguments).map((fragment) => ({ tool_calls: [{ index: 0, function: { arguments: fragment } }] })),
    ];
  }
  return [{ role: 'assistant', content: '', refusal: null }, ...splitWords(reply.text).map((word) => ({ content: word }))];
}
