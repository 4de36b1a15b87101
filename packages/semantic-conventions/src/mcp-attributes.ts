/**
 * Model Context Protocol attribute names and values. Source: OpenTelemetry semantic conventions for
 * GenAI, "Semantic conventions for Model Context Protocol (MCP)" (docs/gen-ai/mcp.md, Development), the
 * mcp.* registry, and the stable network.* and incubating jsonrpc.* / rpc.* registries they reference.
 */

/** Spec: registry mcp.md. The JSON-RPC method of the request or notification, e.g. `tools/call`. */
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
/** Spec: registry mcp.md. The MCP session (Streamable HTTP's `Mcp-Session-Id`), when there is one. */
export const ATTR_MCP_SESSION_ID = 'mcp.session.id';
/** Spec: registry mcp.md. The negotiated protocol version, e.g. `2025-06-18`. */
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
/** Spec: registry mcp.md. The resource URI of `resources/read`, `resources/subscribe`, ... */
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri';
/** Spec: registry gen-ai.md. The prompt (template) name of `prompts/get`. */
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
/** Spec: registry jsonrpc.md. The request's JSON-RPC `id`, as a string. */
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
/** Spec: registry rpc.md. The JSON-RPC error code of an error response, as a string. */
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';
/** Spec: registry network.md (stable). `pipe` for stdio, `tcp` for HTTP. */
export const ATTR_NETWORK_TRANSPORT = 'network.transport';
/** Spec: registry network.md (stable). `http` for the HTTP transports. */
export const ATTR_NETWORK_PROTOCOL_NAME = 'network.protocol.name';

/** `gen_ai.operation.name` of a `tools/call` span (the conventions' execute_tool span). */
export const GEN_AI_OPERATION_EXECUTE_TOOL = 'execute_tool';
/** `error.type` of a tool call whose result has `isError: true` (mcp.md, note on error.type). */
export const MCP_ERROR_TYPE_TOOL_ERROR = 'tool_error';
/** `network.transport` values the conventions name for MCP. */
export const NETWORK_TRANSPORT_PIPE = 'pipe';
export const NETWORK_TRANSPORT_TCP = 'tcp';
