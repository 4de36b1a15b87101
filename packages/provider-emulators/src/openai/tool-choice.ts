/**
 * The tool a request forces the model to call, if any. Chat Completions
 * (https://platform.openai.com/docs/api-reference/chat/create#chat-create-tool_choice): `"required"` or
 * `{ type: 'function', function: { name } }`, tools as `{ type: 'function', function: { name, parameters } }`.
 * Responses (https://platform.openai.com/docs/api-reference/responses/create#responses-create-tool_choice):
 * `"required"` or `{ type: 'function', name }`, tools as `{ type: 'function', name, parameters }`.
 */
export function forcedTool(toolChoice: unknown, tools: unknown): { name: string; parameters?: unknown } | undefined {
  if (!Array.isArray(tools)) return undefined;
  const functions = (tools as unknown[])
    .filter((t): t is { type?: unknown; function?: unknown } => !!t && typeof t === 'object' && (t as { type?: unknown }).type === 'function')
    .map((t) => (t.function && typeof t.function === 'object' ? t.function : t) as { name?: unknown; parameters?: unknown })
    .filter((f): f is { name: string; parameters?: unknown } => typeof f.name === 'string');
  if (toolChoice === 'required') return functions[0];
  if (toolChoice && typeof toolChoice === 'object' && (toolChoice as { type?: unknown }).type === 'function') {
    const c = toolChoice as { name?: unknown; function?: { name?: unknown } };
    const name = c.function?.name ?? c.name;
    return functions.find((f) => f.name === name) ?? (typeof name === 'string' ? { name } : undefined);
  }
  return undefined;
}
