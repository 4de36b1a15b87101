import { describe, expect, it } from 'vitest';
import { storeSpanViews } from '@llm-provenance/cid-exporter';
import { testTempDir } from '@llm-provenance/test-support';
import { CLIENT, expectUnchangedResults, ownAttributes, PROTOCOL_VERSION, SERVER } from './expectations.js';
import { appEnv, runClient } from './helpers.js';
import { tracedOverHttp, tracedOverStdio } from './scenarios.js';

describe('MCP client and server, each under the register', () => {
  it('over stdio: one trace from the client span to the server span of every request, tool payloads stored with CIDs', () => tracedOverStdio('cjs'));

  it('over Streamable HTTP on loopback: the same spans with the session id, server address and port', () => tracedOverHttp('cjs'));

  it('records no arguments or results when content capture is off, and the calls still succeed', async () => {
    const dir = testTempDir('llmp-mcp-nocontent-');
    const out = await runClient('stdio', '-', appEnv(dir, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' }));
    expectUnchangedResults(out);
    const adds = storeSpanViews(dir).filter((v) => v.name === 'tools/call add');
    expect(adds.map((v) => [v.kind, ownAttributes(v)])).toEqual(
      [CLIENT, SERVER].map((kind) => [
        kind,
        {
          'mcp.method.name': 'tools/call',
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'add',
          'gen_ai.tool.call.id': 'call_add_1',
          'jsonrpc.request.id': '2',
          'mcp.protocol.version': PROTOCOL_VERSION,
          'network.transport': 'pipe',
        },
      ]),
    );
    expect(adds.map((v) => [v.attributes['provenance.input.cid'], v.attributes['provenance.output.cid']])).toEqual([
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });
});
