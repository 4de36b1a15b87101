/**
 * An MCP client and server that load @modelcontextprotocol/sdk with `import` (its ES module build under
 * dist/esm), each started with `node --import @llm-provenance/auto-instrumentations/register`: the same
 * spans, one trace and stored tool payloads as the CommonJS apps get under `--require`
 * (packages/instrumentation-mcp/test/mcp.test.ts), over stdio and Streamable HTTP.
 */
import { describe, it } from 'vitest';
import { tracedOverHttp, tracedOverStdio } from '../../packages/instrumentation-mcp/test/scenarios.js';

describe('MCP client and server as ES modules, each under --import of the register', () => {
  it('over stdio: one trace from the client span to the server span of every request, tool payloads stored with CIDs', () => tracedOverStdio('esm'));

  it('over Streamable HTTP on loopback: the same spans with the session id, server address and port', () => tracedOverHttp('esm'));
});
