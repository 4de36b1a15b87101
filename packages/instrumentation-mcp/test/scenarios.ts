/**
 * The client and server fixtures, each under the register, over one transport, and everything checked:
 * the SDK's results unchanged, both sides' spans (whole attribute maps, one trace), the tool call's
 * payloads stored with CIDs. Run by mcp.test.ts for the CommonJS apps and by test/e2e/mcp-esm.test.ts
 * for the ES module ones.
 */
import { expect } from 'vitest';
import { storeSpanViews } from '@llm-provenance/cid-exporter';
import { testTempDir } from '@llm-provenance/test-support';
import { expectSpans, expectToolCallStored, expectUnchangedResults } from './expectations.js';
import { appEnv, runClient, startHttpServer, type ClientOutput, type ModuleSystem } from './helpers.js';

/** Over stdio: the client spawns the server; the pipe is the transport, there is no session. */
export async function tracedOverStdio(system: ModuleSystem): Promise<void> {
  const dir = testTempDir(`llmp-mcp-${system}-stdio-`);
  const out = await runClient('stdio', '-', appEnv(dir), system);
  expectUnchangedResults(out);
  expect(out.sessionId).toBeNull();
  const pipe = { 'network.transport': 'pipe' };
  expectSpans(storeSpanViews(dir), out, { client: pipe, server: pipe }, () => ({}));
  await expectToolCallStored(dir);
}

/** Over Streamable HTTP on loopback: the same spans with the session id, server address and port. */
export async function tracedOverHttp(system: ModuleSystem): Promise<void> {
  const dir = testTempDir(`llmp-mcp-${system}-http-`);
  const env = appEnv(dir);
  const server = await startHttpServer(env, system);
  let out: ClientOutput;
  try {
    out = await runClient('http', `http://127.0.0.1:${server.port}/mcp`, env, system);
  } finally {
    await server.stop();
  }
  expectUnchangedResults(out);
  expect(out.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  const http = { 'network.transport': 'tcp', 'network.protocol.name': 'http' };
  expectSpans(
    storeSpanViews(dir),
    out,
    { client: { ...http, 'server.address': '127.0.0.1', 'server.port': server.port }, server: http },
    // The client learns the session id from the answer to `initialize`.
    (side, id) => (side === 'client' && id === 0 ? {} : { 'mcp.session.id': out.sessionId }),
  );
  await expectToolCallStored(dir);
}
