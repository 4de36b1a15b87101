/**
 * Which span attributes are payloads (content) and whether they are inputs or outputs (FORMAT.md 5.2).
 * The list of content attributes comes from @llm-provenance/semantic-conventions, so a content attribute
 * added there is split out here without a change.
 */
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_DEFINITIONS,
  GEN_AI_CONTENT_ATTRIBUTES,
} from '@llm-provenance/semantic-conventions';

export type PayloadDirection = 'input' | 'output';

/** Prefix of the request parameters collected into the params block. */
export const PARAMS_PREFIX = 'gen_ai.request.';

const KNOWN: Record<string, PayloadDirection> = {
  [ATTR_GEN_AI_INPUT_MESSAGES]: 'input',
  [ATTR_GEN_AI_SYSTEM_INSTRUCTIONS]: 'input',
  [ATTR_GEN_AI_TOOL_DEFINITIONS]: 'input',
  [ATTR_GEN_AI_TOOL_CALL_ARGUMENTS]: 'input',
  [ATTR_GEN_AI_OUTPUT_MESSAGES]: 'output',
  [ATTR_GEN_AI_TOOL_CALL_RESULT]: 'output',
};

/**
 * Payload attributes whose values usually repeat from call to call (the same system prompt, the same
 * tools): the exporter remembers their CIDs instead of hashing them again. Messages are almost always
 * new, so looking them up would cost more than it saves.
 */
export const REPEATING_PAYLOADS: ReadonlySet<string> = new Set([ATTR_GEN_AI_SYSTEM_INSTRUCTIONS, ATTR_GEN_AI_TOOL_DEFINITIONS]);

/** Builds the attribute-name -> direction table from the conventions plus user-marked payloads. */
export function payloadTable(extra: Record<string, PayloadDirection> = {}): Map<string, PayloadDirection> {
  const table = new Map<string, PayloadDirection>();
  for (const name of GEN_AI_CONTENT_ATTRIBUTES as readonly string[]) table.set(name, KNOWN[name] ?? 'input');
  for (const [name, dir] of Object.entries(extra)) {
    if (dir !== 'input' && dir !== 'output')
      throw new Error(`payloadAttributes[${JSON.stringify(name)}] must be 'input' or 'output', got ${JSON.stringify(dir)}`);
    table.set(name, dir);
  }
  return table;
}
