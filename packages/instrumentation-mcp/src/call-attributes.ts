import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_JSONRPC_REQUEST_ID,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_RESOURCE_URI,
  ATTR_RPC_RESPONSE_STATUS_CODE,
  GEN_AI_OPERATION_EXECUTE_TOOL,
  MCP_ERROR_TYPE_TOOL_ERROR,
} from '@llm-provenance/semantic-conventions';
import { exceptionTypeOf, ERROR_TYPE_OTHER } from '@llm-provenance/instrumentation-common';
import { isRecord } from './meta-propagation.js';

/** Methods whose params name a resource (mcp.md, note on `mcp.resource.uri`). */
const RESOURCE_METHODS = new Set(['resources/read', 'resources/subscribe', 'resources/unsubscribe', 'notifications/resources/updated']);
/** JSON-RPC "Internal error": what the SDK answers for a handler error that carries no code of its own. */
const JSONRPC_INTERNAL_ERROR = -32603;

/** The span's name and its attributes known before the call. */
export interface RequestSpan {
  name: string;
  attributes: Attributes;
}

/**
 * Name and attributes of the span of one MCP request (mcp.md, "Client" and "Server"): the name is
 * `{mcp.method.name} {target}` with the tool or prompt name as target, the method alone otherwise (a
 * resource URI is high-cardinality and stays an attribute). A `tools/call` is also the GenAI
 * conventions' execute_tool span; its arguments are a payload (`gen_ai.tool.call.arguments`).
 */
export function requestSpan(method: string, params: unknown, requestId: unknown, captureContent: boolean): RequestSpan {
  const attributes: Attributes = { [ATTR_MCP_METHOD_NAME]: method };
  // JSON-RPC allows string and number ids; null and absent are not recorded (jsonrpc.request.id note).
  if (typeof requestId === 'string' || typeof requestId === 'number') attributes[ATTR_JSONRPC_REQUEST_ID] = String(requestId);
  const p = isRecord(params) ? params : {};
  let target: string | undefined;
  if (method === 'tools/call') {
    attributes[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_EXECUTE_TOOL;
    if (typeof p.name === 'string') attributes[ATTR_GEN_AI_TOOL_NAME] = target = p.name;
    if (captureContent && p.arguments !== undefined) attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = jsonText(p.arguments);
  } else if (method === 'prompts/get') {
    if (typeof p.name === 'string') attributes[ATTR_GEN_AI_PROMPT_NAME] = target = p.name;
  } else if (RESOURCE_METHODS.has(method) && typeof p.uri === 'string') {
    attributes[ATTR_MCP_RESOURCE_URI] = p.uri;
  }
  return { name: target ? `${method} ${target}` : method, attributes };
}

/**
 * Attributes of a request's result. A tool's result is a payload (`gen_ai.tool.call.result`), recorded
 * also when the tool reported an error in it (`isError`): that text is what the model is given back.
 * `isError: true` is `error.type` `tool_error` (mcp.md, note on `error.type`).
 */
export function resultAttributes(method: string, result: unknown, captureContent: boolean): { attributes: Attributes; toolError: boolean } {
  const attributes: Attributes = {};
  if (method !== 'tools/call' || !isRecord(result)) return { attributes, toolError: false };
  if (captureContent) attributes[ATTR_GEN_AI_TOOL_CALL_RESULT] = jsonText(result);
  const toolError = result.isError === true;
  if (toolError) attributes[ATTR_ERROR_TYPE] = MCP_ERROR_TYPE_TOOL_ERROR;
  return { attributes, toolError };
}

/**
 * `error.type` and `rpc.response.status_code` of a failed request: the JSON-RPC error code as a string
 * (mcp.md, note on `error.type`). On the server a handler error without a code is answered as JSON-RPC
 * Internal error, so that is its code; on the client an error that is no JSON-RPC error (not connected,
 * a transport failure) is named by its class.
 */
export function errorAttributes(err: unknown, side: 'client' | 'server'): Attributes {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (Number.isSafeInteger(code)) return { [ATTR_ERROR_TYPE]: String(code), [ATTR_RPC_RESPONSE_STATUS_CODE]: String(code) };
  if (side === 'server') return { [ATTR_ERROR_TYPE]: String(JSONRPC_INTERNAL_ERROR), [ATTR_RPC_RESPONSE_STATUS_CODE]: String(JSONRPC_INTERNAL_ERROR) };
  return { [ATTR_ERROR_TYPE]: exceptionTypeOf(err, ERROR_TYPE_OTHER) };
}

/** JSON text of a value as the peer sent or received it; a value JSON cannot hold (never on the wire) is skipped. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'null';
  }
}
