import { describe, expect, it } from 'vitest';
import { openSource, readStoreRecords, storeSpanViews, verifyStore, type SpanView } from '@llm-provenance/cid-exporter';
import { testTempDir } from '@llm-provenance/test-support';
import { appEnv, rawCidOf, runClient, startHttpServer, type ClientOutput } from './helpers.js';

const CLIENT = 2;
const SERVER = 1;
const ERROR = 2;
const UNSET = 0;
const PROTOCOL_VERSION = '2025-11-25';
const SCOPE = '@llm-provenance/instrumentation-mcp';

/** Attributes the store adds to every span; asserted separately. */
function ownAttributes(view: SpanView): Record<string, unknown> {
  return Object.fromEntries(Object.entries(view.attributes).filter(([key]) => !key.startsWith('provenance.')));
}

const ADD_ARGUMENTS = '{"a":2,"b":3}';
const ADD_RESULT = '{"content":[{"type":"text","text":"5"}]}';

/**
 * The calls client.cjs makes, in order, as the conventions want their spans on either side (request ids
 * 0..9 in order): name, attributes besides the common ones, status.
 */
function expectedCalls(side: 'client' | 'server'): Array<{ name: string; attributes: Record<string, unknown>; status: { code: number; message?: string } }> {
  const ok = { code: UNSET };
  // The client sees the server's JSON-RPC error message under the SDK's "MCP error <code>: " prefix.
  const rpcError = (code: number, message: string) => ({ code: ERROR, message: side === 'client' ? `MCP error ${code}: ${message}` : message });
  const tool = (name: string, args: string, result: string) => ({
    'mcp.method.name': 'tools/call',
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': name,
    'gen_ai.tool.call.arguments': args,
    'gen_ai.tool.call.result': result,
  });
  return [
    { name: 'initialize', attributes: { 'mcp.method.name': 'initialize' }, status: ok },
    { name: 'tools/list', attributes: { 'mcp.method.name': 'tools/list' }, status: ok },
    { name: 'tools/call add', attributes: { ...tool('add', ADD_ARGUMENTS, ADD_RESULT), 'gen_ai.tool.call.id': 'call_add_1' }, status: ok },
    {
      name: 'tools/call explode',
      attributes: {
        ...tool('explode', '{"reason":"on purpose"}', '{"content":[{"type":"text","text":"exploded: on purpose"}],"isError":true}'),
        'error.type': 'tool_error',
      },
      status: { code: ERROR },
    },
    {
      name: 'tools/call nope',
      attributes: {
        ...tool('nope', '{}', '{"content":[{"type":"text","text":"MCP error -32602: Tool nope not found"}],"isError":true}'),
        'error.type': 'tool_error',
      },
      status: { code: ERROR },
    },
    { name: 'resources/read', attributes: { 'mcp.method.name': 'resources/read', 'mcp.resource.uri': 'note://greeting' }, status: ok },
    {
      name: 'resources/read',
      attributes: { 'mcp.method.name': 'resources/read', 'mcp.resource.uri': 'note://broken', 'error.type': '-32603', 'rpc.response.status_code': '-32603' },
      status: rpcError(-32603, 'the note is unreadable'),
    },
    { name: 'prompts/get review', attributes: { 'mcp.method.name': 'prompts/get', 'gen_ai.prompt.name': 'review' }, status: ok },
    {
      name: 'prompts/get missing',
      attributes: { 'mcp.method.name': 'prompts/get', 'gen_ai.prompt.name': 'missing', 'error.type': '-32602', 'rpc.response.status_code': '-32602' },
      status: rpcError(-32602, 'MCP error -32602: Prompt missing not found'),
    },
  ];
}

/** What client.cjs got back: the SDK's own results and errors, whatever the instrumentation recorded. */
function expectUnchangedResults(out: ClientOutput): void {
  expect(out.add).toEqual({ result: { content: [{ type: 'text', text: '5' }] } });
  expect(out.explode).toEqual({ result: { content: [{ type: 'text', text: 'exploded: on purpose' }], isError: true } });
  expect(out.unknownTool).toEqual({ result: { content: [{ type: 'text', text: 'MCP error -32602: Tool nope not found' }], isError: true } });
  expect(out.readResource).toEqual({ result: { contents: [{ uri: 'note://greeting', mimeType: 'text/plain', text: 'hello from the server' }] } });
  expect(out.brokenResource).toEqual({ error: { name: 'McpError', code: -32603, message: 'MCP error -32603: the note is unreadable' } });
  expect(out.getPrompt).toEqual({ result: { messages: [{ role: 'user', content: { type: 'text', text: 'Please review: x = 1' } }] } });
  expect(out.unknownPrompt).toEqual({ error: { name: 'McpError', code: -32602, message: 'MCP error -32602: MCP error -32602: Prompt missing not found' } });
}

/**
 * Both sides' spans, as the store gives them back: every request is a CLIENT span in the client's log
 * and a SERVER span, its child, in the server's; all but `initialize` (made by `connect()`, outside the
 * app's span) in the app's trace; attribute maps whole.
 */
function expectSpans(
  views: SpanView[],
  out: ClientOutput,
  common: { client: Record<string, unknown>; server: Record<string, unknown> },
  session: (side: 'client' | 'server', index: number) => Record<string, unknown>,
) {
  const mcp = views.filter((v) => v.scope.name === SCOPE);
  const clientSpans = mcp.filter((v) => v.kind === CLIENT);
  const serverSpans = mcp.filter((v) => v.kind === SERVER);
  expect(mcp).toHaveLength(clientSpans.length + serverSpans.length);
  for (const side of ['client', 'server'] as const) {
    const spans = side === 'client' ? clientSpans : serverSpans;
    expect(
      spans.map((v) => ({ name: v.name, attributes: ownAttributes(v), status: v.status })),
      `${side} spans`,
    ).toEqual(
      expectedCalls(side).map((call, id) => ({
        name: call.name,
        attributes: {
          ...call.attributes,
          'jsonrpc.request.id': String(id),
          'mcp.protocol.version': PROTOCOL_VERSION,
          ...common[side],
          ...session(side, id),
        },
        status: call.status,
      })),
    );
  }
  for (const [index, client] of clientSpans.entries()) {
    const server = serverSpans[index]!;
    expect(server.traceId).toBe(client.traceId);
    expect(server.parentSpanId).toBe(client.spanId);
    if (index === 0) continue;
    expect(client.traceId).toBe(out.turn.traceId);
    expect(client.parentSpanId).toBe(out.turn.spanId);
  }
  // The tool call the model asked for links to the span that asked (here the app's turn).
  expect(clientSpans.map((v) => v.links.map((l) => l.spanId))).toEqual(clientSpans.map((v) => (v.name === 'tools/call add' ? [out.turn.spanId] : [])));
  // An error that reached the SDK as an exception is recorded as one.
  expect([...clientSpans, ...serverSpans].filter((v) => v.events.length > 0).map((v) => [v.kind, v.name, v.events.map((e) => e.name)])).toEqual([
    [CLIENT, 'resources/read', ['exception']],
    [CLIENT, 'prompts/get missing', ['exception']],
    [SERVER, 'resources/read', ['exception']],
    [SERVER, 'prompts/get missing', ['exception']],
  ]);
}

/**
 * The tool call's arguments and result are stored blocks on both sides: the record links an input and
 * an output block, which link raw blocks holding exactly the JSON the peers exchanged, under the CIDs
 * multiformats computes for those bytes — the same CIDs in the client's log and the server's.
 */
async function expectToolCallStored(dir: string): Promise<void> {
  const { records } = readStoreRecords(dir);
  const adds = records.filter((r) => r.record.type === 'span' && (r.record as { name?: string }).name === 'tools/call add');
  expect(adds).toHaveLength(2);
  const source = openSource(dir);
  try {
    const blockText = (cid: string) => source.block(cid)?.toString('utf8');
    const argumentsCid = await rawCidOf(ADD_ARGUMENTS);
    const resultCid = await rawCidOf(ADD_RESULT);
    for (const { record } of adds) {
      const { input, output } = record as { input: { '/': string }; output: { '/': string } };
      expect(JSON.parse(blockText(input['/'])!)).toEqual({ 'gen_ai.tool.call.arguments': { '/': argumentsCid } });
      expect(JSON.parse(blockText(output['/'])!)).toEqual({ 'gen_ai.tool.call.result': { '/': resultCid } });
      expect(blockText(argumentsCid)).toBe(ADD_ARGUMENTS);
      expect(blockText(resultCid)).toBe(ADD_RESULT);
      // Payloads are stored, not repeated in the record's attributes.
      expect(Object.keys((record as { attributes: object }).attributes)).not.toContain('gen_ai.tool.call.arguments');
    }
  } finally {
    source.close();
  }
  expect(verifyStore(dir).ok).toBe(true);
}

describe('MCP client and server, each under the register', () => {
  it('over stdio: one trace from the client span to the server span of every request, tool payloads stored with CIDs', async () => {
    const dir = testTempDir('llmp-mcp-stdio-');
    const out = await runClient('stdio', '-', appEnv(dir));
    expectUnchangedResults(out);
    expect(out.sessionId).toBeNull();
    const pipe = { 'network.transport': 'pipe' };
    expectSpans(storeSpanViews(dir), out, { client: pipe, server: pipe }, () => ({}));
    await expectToolCallStored(dir);
  });

  it('over Streamable HTTP on loopback: the same spans with the session id, server address and port', async () => {
    const dir = testTempDir('llmp-mcp-http-');
    const env = appEnv(dir);
    const server = await startHttpServer(env);
    let out: ClientOutput;
    try {
      out = await runClient('http', `http://127.0.0.1:${server.port}/mcp`, env);
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
  });

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
