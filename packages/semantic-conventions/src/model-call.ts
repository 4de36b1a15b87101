/**
 * Which GenAI spans are calls to a model: what the store's readers (report, consistency, the HTML page,
 * the index) count as calls, and what instrumentation-common recognises as another library's span of the
 * call it records (`provenance.model_call.recorded_by`). One rule for both, kept here.
 */
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME } from './gen-ai-attributes.js';
import { ATTR_PROVENANCE_MODEL_CALL_RECORDED_BY } from './provenance-attributes.js';
import { GenAiOperationName } from './values.js';

/**
 * `gen_ai.operation.name` values that are not calls to a model: agent and workflow spans, a step of an
 * agent run (`agent_step`, which the Vercel AI SDK's OpenTelemetry integration names), and tool
 * executions. They carry no model, tokens or cost of their own; counting them would inflate `calls` and
 * mix tool arguments into the consistency groups (an MCP tool call is one on the client and one on the
 * server).
 */
export const NOT_MODEL_CALL_OPERATIONS: ReadonlySet<string> = new Set([
  GenAiOperationName.CREATE_AGENT,
  GenAiOperationName.INVOKE_AGENT,
  GenAiOperationName.INVOKE_WORKFLOW,
  GenAiOperationName.EXECUTE_TOOL,
  'agent_step',
]);

/**
 * True for the attributes of a model call: a `gen_ai.operation.name` other than those in
 * NOT_MODEL_CALL_OPERATIONS, or (without one) a `gen_ai.provider.name`. A span marked
 * `provenance.model_call.recorded_by` wraps a call that another span (its child) records, and is not a
 * call of its own.
 */
export function isModelCallAttributes(a: Readonly<Record<string, unknown>>): boolean {
  if (typeof a[ATTR_PROVENANCE_MODEL_CALL_RECORDED_BY] === 'string') return false;
  const op = a[ATTR_GEN_AI_OPERATION_NAME];
  if (typeof op === 'string') return !NOT_MODEL_CALL_OPERATIONS.has(op);
  return typeof a[ATTR_GEN_AI_PROVIDER_NAME] === 'string';
}
