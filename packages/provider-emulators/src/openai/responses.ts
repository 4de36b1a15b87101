import type { SseWriter } from '../core/sse.js';
import { countWordsIn, splitWords } from '../core/tokens.js';
import type { Route, RouteContext } from '../core/types.js';
import { responsesInput } from './content.js';
import { invalidParameter, missingParameter } from './errors.js';
import { unixSeconds, type OpenAiFlavor } from './flavor.js';
import { argumentFragments, planReply, replyWords, type Reply } from './reply.js';
import { forcedTool } from './tool-choice.js';
import { responsesUsage } from './usage.js';

/**
 * POST {base}/responses — https://platform.openai.com/docs/api-reference/responses/create
 * JSON: a `response` object whose `output` holds a `message` item with one `output_text` part, or a
 * `function_call` item (tool_call scenario), preceded by a `reasoning` item in the reasoning scenario.
 * Streaming (https://platform.openai.com/docs/api-reference/responses-streaming): typed SSE events, each
 * with `event:` and `data:` lines and a `sequence_number` counting from 0; no `[DONE]` sentinel.
 */
export function responsesRoute(flavor: OpenAiFlavor): Route {
  return { method: 'POST', path: `${flavor.basePath}/responses`, handle: handleResponses };
}

interface ResponsesRequest {
  model?: unknown;
  input?: unknown;
  instructions?: unknown;
  stream?: boolean;
  max_output_tokens?: number | null;
  text?: { format?: { type?: string; schema?: unknown } } | null;
  [key: string]: unknown;
}

type OutputItem = Record<string, unknown> & { id: string; type: string };

async function handleResponses(ctx: RouteContext): Promise<void> {
  const body = (ctx.body ?? {}) as ResponsesRequest;
  if (body.model === undefined) return ctx.error(missingParameter('model'));
  if (body.input === undefined) return ctx.error(missingParameter('input'));
  if (typeof body.input !== 'string' && !Array.isArray(body.input)) {
    return ctx.error(invalidParameter('input', "Invalid type for 'input': expected a string or an array of input items."));
  }
  const { texts, lastUser } = responsesInput(body.input, body.instructions);
  const format = body.text?.format;
  const reply = planReply({
    scenario: ctx.scenario,
    userText: lastUser,
    schema: format?.type === 'json_schema' ? (format.schema ?? {}) : undefined,
    jsonObject: format?.type === 'json_object',
    maxTokens: body.max_output_tokens ?? undefined,
    forcedTool: forcedTool(body.tool_choice, body.tools),
  });
  const usage = ctx.scenario?.kind === 'no_usage' ? null : responsesUsage(countWordsIn(texts), replyWords(reply), ctx.scenario);
  const incomplete = reply.kind === 'text' && reply.truncated;
  const items = outputItems(ctx, reply);
  const base = responseObject(ctx, body);
  const final = {
    ...base,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    output: items.map((i) => i.done),
    usage,
  };
  if (!body.stream) return ctx.json(200, final);

  const sse = ctx.sse();
  let seq = 0;
  const emit = (type: string, fields: Record<string, unknown>) => sse.send({ type, ...fields, sequence_number: seq++ }, type);
  const inProgress = { ...base, status: 'in_progress', output: [], usage: null };
  await emit('response.created', { response: inProgress });
  await emit('response.in_progress', { response: inProgress });
  for (const [outputIndex, item] of items.entries()) await item.stream(emit, outputIndex);
  await emit(incomplete ? 'response.incomplete' : 'response.completed', { response: final });
  sse.end();
}

type Emit = (type: string, fields: Record<string, unknown>) => ReturnType<SseWriter['send']>;

interface PlannedItem {
  done: OutputItem;
  stream(emit: Emit, outputIndex: number): Promise<void>;
}

function outputItems(ctx: RouteContext, reply: Reply): PlannedItem[] {
  const items: PlannedItem[] = [];
  if (ctx.scenario?.kind === 'reasoning') {
    // Reasoning models emit an (unsummarised) reasoning item before their answer.
    const item = { id: `rs-emu-${ctx.n}`, type: 'reasoning', summary: [] };
    items.push({
      done: item,
      async stream(emit, output_index) {
        await emit('response.output_item.added', { output_index, item });
        await emit('response.output_item.done', { output_index, item });
      },
    });
  }
  if (reply.kind === 'tool_call') {
    const base = { id: `fc-emu-${ctx.n}`, type: 'function_call', call_id: `call-emu-${ctx.n}`, name: reply.name };
    const done = { ...base, arguments: reply.arguments, status: 'completed' };
    items.push({
      done,
      async stream(emit, output_index) {
        await emit('response.output_item.added', { output_index, item: { ...base, arguments: '', status: 'in_progress' } });
        for (const delta of argumentFragments(reply.arguments)) {
          await emit('response.function_call_arguments.delta', { item_id: base.id, output_index, delta });
        }
        await emit('response.function_call_arguments.done', { item_id: base.id, output_index, name: reply.name, arguments: reply.arguments });
        await emit('response.output_item.done', { output_index, item: done });
      },
    });
    return items;
  }
  const id = `msg-emu-${ctx.n}`;
  const part = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text });
  const status = reply.truncated ? 'incomplete' : 'completed';
  const done = { id, type: 'message', status, content: [part(reply.text)], role: 'assistant' };
  items.push({
    done,
    async stream(emit, output_index) {
      const at = { item_id: id, output_index, content_index: 0 };
      await emit('response.output_item.added', { output_index, item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
      await emit('response.content_part.added', { ...at, part: part('') });
      for (const delta of splitWords(reply.text)) await emit('response.output_text.delta', { ...at, delta, logprobs: [] });
      await emit('response.output_text.done', { ...at, text: reply.text, logprobs: [] });
      await emit('response.content_part.done', { ...at, part: part(reply.text) });
      await emit('response.output_item.done', { output_index, item: done });
    },
  });
  return items;
}

/** The response object's request-derived fields, shared by every event that carries the response. */
function responseObject(ctx: RouteContext, body: ResponsesRequest) {
  const reasoning = (body.reasoning ?? {}) as { effort?: unknown; summary?: unknown };
  return {
    id: `resp-emu-${ctx.n}`,
    object: 'response',
    created_at: unixSeconds(ctx.now()),
    status: 'in_progress',
    background: body.background ?? false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: String(body.model),
    output: [] as unknown[],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_logprobs: body.top_logprobs ?? 0,
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: null as unknown,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}
