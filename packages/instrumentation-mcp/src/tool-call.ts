import { context, createContextKey, isSpanContextValid, type Context, type SpanContext } from '@opentelemetry/api';

/**
 * The model's request for a tool, as the model's response named it: the id of the tool call
 * (`gen_ai.tool.call.id`, e.g. OpenAI's `tool_calls[].id`, Anthropic's `tool_use.id`) and, when the
 * application has it, the span context of the model call that asked.
 */
export interface ModelToolCall {
  /** The tool call's id in the model's response. */
  id: string;
  /** The span of the model call whose response asked for this tool; the tool call span links to it. */
  requestedBy?: SpanContext;
}

const TOOL_CALL_KEY = createContextKey('@llm-provenance/instrumentation-mcp model tool call');

/**
 * `_meta` key that carries the tool call id to the server, so that its span carries it too. MCP reserves
 * unprefixed names and the `modelcontextprotocol.io/` and `mcp.dev/` prefixes (specification, basic/#_meta);
 * this one is ours.
 */
export const TOOL_CALL_ID_META_KEY = 'llm-provenance/gen_ai.tool.call.id';

/** Longest tool call id taken from a peer's `_meta`: ids are short, and the peer's input is untrusted. */
export const MAX_TOOL_CALL_ID_LENGTH = 256;

/**
 * Runs `fn` with `call` as the model tool call being answered: an MCP `tools/call` made inside (by
 * `client.callTool`) records `gen_ai.tool.call.id`, links to `call.requestedBy`, and passes the id to the
 * server in `params._meta`.
 *
 *     const toolCall = response.choices[0].message.tool_calls[0];
 *     const result = await withToolCall({ id: toolCall.id }, () =>
 *       client.callTool({ name: toolCall.function.name, arguments: JSON.parse(toolCall.function.arguments) }),
 *     );
 */
export function withToolCall<T>(call: ModelToolCall, fn: () => T): T {
  if (typeof call?.id !== 'string' || call.id === '') return fn();
  return context.with(context.active().setValue(TOOL_CALL_KEY, call), fn);
}

/** The tool call `withToolCall` set in `ctx`, if any. */
export function toolCallOf(ctx: Context): ModelToolCall | undefined {
  return ctx.getValue(TOOL_CALL_KEY) as ModelToolCall | undefined;
}

/** The span context to link to, if the tool call names a valid one. */
export function requestingSpanOf(call: ModelToolCall | undefined): SpanContext | undefined {
  const span = call?.requestedBy;
  return span && isSpanContextValid(span) ? span : undefined;
}

/** The tool call id a peer put in `_meta`, if it is a plausible one. */
export function toolCallIdFromMeta(meta: unknown): string | undefined {
  const id = meta && typeof meta === 'object' ? (meta as Record<string, unknown>)[TOOL_CALL_ID_META_KEY] : undefined;
  return typeof id === 'string' && id !== '' && id.length <= MAX_TOOL_CALL_ID_LENGTH ? id : undefined;
}
