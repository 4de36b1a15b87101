/**
 * Which GenAI span records are calls to a model: what report, consistency, the HTML page and the store
 * index (./store-index/store-index.ts) count as calls.
 */
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_PROVENANCE_MODEL_CALL_RECORDED_BY,
  NOT_MODEL_CALL_OPERATIONS,
} from '@llm-provenance/semantic-conventions';

/**
 * True for the attributes of a model call: a `gen_ai.operation.name` other than an agent, workflow or tool
 * operation (semantic-conventions' NOT_MODEL_CALL_OPERATIONS: they carry no model, tokens or cost of their
 * own, and counting them would inflate `calls` and mix tool arguments into the consistency groups), or
 * (without one) a `gen_ai.provider.name`. A span marked `provenance.model_call.recorded_by` wraps a call
 * that another span (its child) records, and is not counted again.
 */
export function isModelCallAttributes(a: Record<string, unknown>): boolean {
  if (typeof a[ATTR_PROVENANCE_MODEL_CALL_RECORDED_BY] === 'string') return false;
  const op = a[ATTR_GEN_AI_OPERATION_NAME];
  if (typeof op === 'string') return !NOT_MODEL_CALL_OPERATIONS.has(op);
  return typeof a[ATTR_GEN_AI_PROVIDER_NAME] === 'string';
}
