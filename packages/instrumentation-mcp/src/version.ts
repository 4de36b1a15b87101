/** This package's name and version, as the instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-mcp';
export const PACKAGE_VERSION = '0.1.0';

/**
 * Versions patched (kept equal to package.json peerDependencies): the 1.x line of the MCP TypeScript
 * SDK from 1.10, the first with the Streamable HTTP transports, whose `Protocol` class (shared/protocol.js)
 * sends every request through `request()` and keeps every handler in `_requestHandlers`.
 */
export const SUPPORTED_VERSIONS = { '@modelcontextprotocol/sdk': '>=1.10.0 <2' } as const;
