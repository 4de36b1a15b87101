/**
 * An MCP client and server that load @modelcontextprotocol/sdk with `import` (its ES module build under
 * dist/esm), each started with `node --import @llm-provenance/auto-instrumentations/register`: the same
 * spans, one trace and stored tool payloads as the CommonJS apps get under `--require`
 * (packages/instrumentation-mcp/test/mcp.test.ts), over stdio and Streamable HTTP.
 */
import { describe, expect, it } from 'vitest';
import { storeSpanViews } from '@llm-provenance/cid-exporter';
import { testTempDir } from '@llm-provenance/test-support';
import { expectSpans, expectToolCallStored, expectUnchangedResults } from '../../packages/instrumentation-mcp/test/expectations.js';
import { appEnv, runClient, startHttpServer, type ClientOutput } from '../../packages/instrumentation-mcp/test/helpers.js';

describe('MCP client and server as ES modules, each under --import of the register', () => {
  it('over stdio: one trace from the client span to the server span of every request, tool payloads stored with CIDs', async () => {
    const dir = testTempDir('llmp-mcp-esm-stdio-');
    const out = await runClient('stdio', '-', appEnv(dir), 'esm');
    expectUnchangedResults(out);
    expect(out.sessionId).toBeNull();
    const pipe = { 'network.transport': 'pipe' };
    expectSpans(storeSpanViews(dir), out, { client: pipe, server: pipe }, () => ({}));
    await expectToolCallStored(dir);
  });

  it('over Streamable HTTP on loopback: the same spans with the session id, server address and port', async () => {
    const dir = testTempDir('llmp-mcp-esm-http-');
    const env = appEnv(dir);
    const server = await startHttpServer(env, 'esm');
    let out: ClientOutput;
    try {
      out = await runClient('http', `http://127.0.0.1:${server.port}/mcp`, env, 'esm');
    } finally {
      await server.stop();
    }
    expectUnchangedResults(out);
    expect(out.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const http = { 'network.transport': 'tcp', 'network.protocol.name': 'http' };
    expectSpans(storeSpanViews(dir), out, { client: { ...http, 'server.address': '127.0.0.1', 'server.port': server.port }, server: http }, (side, id) =>
      side === 'client' && id === 0 ? {} : { 'mcp.session.id': out.sessionId },
    );
    await expectToolCallStored(dir);
  });
});
