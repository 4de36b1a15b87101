/**
 * What the MCP fixtures must give under the register, whichever module system loaded the SDK: the SDK's
 * results unchanged, both sides' spans with whole attribute maps in one trace, and the tool call's
 * payloads stored under their CIDs.
 */
import { expect } from 'vitest';
import { openSource, readStoreRecords, verifyStore, type SpanView } from '@llm-provenance/cid-exporter';
import { rawCidOf, type ClientOutput } from './helpers.js';

export const CLIENT = 2;
export const SERVER = 1;
const ERROR = 2;
const UNSET = 0;
export const PROTOCOL_VERSION = '2025-11-25';
const SCOPE = '@llm-provenance/instrumentation-mcp';

/** Attributes the store adds to every span; asserted separately. */
export function ownAttributes(view: SpanView): Record<string, unknown> {
  return Object.fromEntries(Object.entries(view.attributes).filter(([key]) => !key.startsWith('provenance.')));
}

const ADD_ARGUMENTS = '{"a":2,"b":3}';
const ADD_RESULT = '{"content":[{"type":"text","text":"5"}]}';

/**
 * The calls the client fixture makes, in order, as the conventions want their spans on either side (request ids
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

/** What the client fixture got back: the SDK's own results and errors, whatever the instrumentation recorded. */
export function expectUnchangedResults(out: ClientOutput): void {
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
export function expectSpans(
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
export async function expectToolCallStored(dir: string): Promise<void> {
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
