/**
 * Which GenAI span records are calls to a model: what report, consistency, the HTML page and the store
 * index (./store-index/store-index.ts) count as calls.
 */
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, GenAiOperationName } from '@llm-provenance/semantic-conventions';

/**
 * GenAI operations that are not calls to a model: agent and workflow spans, and tool executions (an MCP
 * tool call is one on the client and one on the server). They carry `gen_ai.operation.name` but no model,
 * tokens or cost of their own; counting them as calls would inflate `calls` and mix tool arguments into
 * the consistency groups.
 */
const NOT_MODEL_CALLS: ReadonlySet<string> = new Set([
  GenAiOperationName.CREATE_AGENT,
  GenAiOperationName.INVOKE_AGENT,
  GenAiOperationName.INVOKE_WORKFLOW,
  GenAiOperationName.EXECUTE_TOOL,
]);

/**
 * True for the attributes of a model call: a `gen_ai.operation.name` other than an agent, workflow or tool
 * operation, or (without one) a `gen_ai.provider.name`.
 */
export function isModelCallAttributes(a: Record<string, unknown>): boolean {
  const op = a[ATTR_GEN_AI_OPERATION_NAME];
  if (typeof op === 'string') return !NOT_MODEL_CALLS.has(op);
  return typeof a[ATTR_GEN_AI_PROVIDER_NAME] === 'string';
}
