import { countWords, countWordsIn, splitWords } from '../core/tokens.js';
import type { Route, RouteContext } from '../core/types.js';
import { echoedModel } from './content.js';
import { invalidParameter, missingParameter } from './errors.js';
import { unixSeconds, type OpenAiFlavor } from './flavor.js';
import { planReply } from './reply.js';
import { chatUsage } from './usage.js';

/**
 * POST {base}/completions (legacy) — https://platform.openai.com/docs/api-reference/completions/create
 * `prompt` is a string or a list of strings; each prompt gets one choice (`index` = prompt position).
 * Streaming sends `text_completion` chunks, one word each, a final chunk with finish_reason, the optional
 * usage chunk (`choices: []`), then `data: [DONE]`. Tool calls do not exist here: a tool_call scenario
 * is answered as plain text.
 */
export function completionsRoute(flavor: OpenAiFlavor): Route {
  return { method: 'POST', path: `${flavor.basePath}/completions`, handle: (ctx) => handleCompletions(ctx, flavor) };
}

interface CompletionRequest {
  model?: unknown;
  prompt?: unknown;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  echo?: boolean | null;
}

async function handleCompletions(ctx: RouteContext, flavor: OpenAiFlavor): Promise<void> {
  const body = (ctx.body ?? {}) as CompletionRequest;
  if (body.model === undefined) return ctx.error({ status: 400, message: 'you must provide a model parameter', type: 'invalid_request_error', code: null });
  if (body.prompt === undefined) return ctx.error(missingParameter('prompt'));
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
  if (!Array.isArray(prompts) || prompts.length === 0 || !prompts.every((p) => typeof p === 'string')) {
    return ctx.error(invalidParameter('prompt', "Invalid 'prompt': expected a string or a non-empty array of strings."));
  }
  const scenario = ctx.scenario?.kind === 'tool_call' ? undefined : ctx.scenario;
  const replies = prompts.map((prompt) => {
    const r = planReply({ scenario, userText: prompt, maxTokens: body.max_tokens ?? 16 });
    if (r.kind !== 'text') throw new Error('unreachable: completions never plan tool calls');
    return { text: body.echo ? prompt + r.text : r.text, words: countWords(r.text), finish: r.truncated ? 'length' : 'stop' };
  });
  const usage = chatUsage(
    countWordsIn(prompts),
    replies.reduce((sum, r) => sum + r.words, 0),
    scenario,
  );
  const common = {
    id: `cmpl-emu-${ctx.n}`,
    object: 'text_completion',
    created: unixSeconds(ctx.now()),
    model: echoedModel(body.model),
    system_fingerprint: flavor.systemFingerprint,
  };
  const withUsage = ctx.scenario?.kind !== 'no_usage';

  if (!body.stream) {
    const choices = replies.map((r, index) => ({ text: r.text, index, logprobs: null, finish_reason: r.finish }));
    return ctx.json(200, { ...common, choices, ...(withUsage ? { usage: plainUsage(usage) } : {}) });
  }
  const includeUsage = body.stream_options?.include_usage === true && withUsage;
  const sse = ctx.sse();
  const chunk = (index: number, text: string, finish: string | null) => ({
    ...common,
    choices: [{ text, index, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  for (const [index, r] of replies.entries()) {
    for (const word of splitWords(r.text)) await sse.send(chunk(index, word, null));
    await sse.send(chunk(index, '', r.finish));
  }
  if (includeUsage) await sse.send({ ...common, choices: [], usage: plainUsage(usage) });
  await sse.sendRaw('[DONE]');
  sse.end();
}

/** Legacy completions report only the three totals. */
function plainUsage(u: ReturnType<typeof chatUsage>) {
  return { prompt_tokens: u.prompt_tokens, completion_tokens: u.completion_tokens, total_tokens: u.total_tokens };
}
