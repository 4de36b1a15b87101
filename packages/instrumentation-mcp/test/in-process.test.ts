import { createRequire } from 'node:module';
import { propagation, type TextMapPropagator } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import type * as ClientModule from '@modelcontextprotocol/sdk/client/index.js';
import type * as InMemoryModule from '@modelcontextprotocol/sdk/inMemory.js';
import type * as McpServerModule from '@modelcontextprotocol/sdk/server/mcp.js';
import type * as Zod from 'zod';
import * as support from '@llm-provenance/test-support';
import { McpInstrumentation, withToolCall } from '@llm-provenance/instrumentation-mcp';

// Enabled before the SDK is loaded: the require hook patches it as it loads (through `require`, the build
// this instrumentation patches; vitest would load a bare `import` as the ES module build).
const tracing = support.setupTracing(new McpInstrumentation(), { global: true });
const load = createRequire(import.meta.url);
const { Client } = load('@modelcontextprotocol/sdk/client/index.js') as typeof ClientModule;
const { McpServer } = load('@modelcontextprotocol/sdk/server/mcp.js') as typeof McpServerModule;
const { InMemoryTransport } = load('@modelcontextprotocol/sdk/inMemory.js') as typeof InMemoryModule;
const z = load('zod') as typeof Zod;

type Transport = InstanceType<typeof InMemoryTransport>;

/** A real McpServer with one tool, on one end of an in-memory transport pair; the other end is returned. */
async function serve(): Promise<Transport> {
  const server = new McpServer({ name: 'in-process', version: '1.0.0' });
  server.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  return clientSide;
}

async function connectedClient() {
  const client = new Client({ name: 'in-process-client', version: '1.0.0' });
  await client.connect(await serve());
  return client;
}

afterEach(() => {
  tracing.exporter.reset();
  tracing.instrumentation.enable();
});

describe('McpInstrumentation in one process', () => {
  it("reads only string context and a bounded tool call id from a peer's _meta", async () => {
    const transport = await serve();
    const answered = new Promise<unknown>((resolve) => {
      transport.onmessage = resolve;
    });
    await transport.start();
    // A raw request as a peer could send it: context keys holding no strings, an oversized tool call id.
    await transport.send({
      jsonrpc: '2.0',
      id: 'r-1',
      method: 'tools/call',
      params: {
        name: 'add',
        arguments: { a: 1, b: 2 },
        _meta: { traceparent: { forged: true }, baggage: ['x=1'], 'llm-provenance/gen_ai.tool.call.id': 'x'.repeat(257) },
      },
    });
    expect(await answered).toEqual({ jsonrpc: '2.0', id: 'r-1', result: { content: [{ type: 'text', text: '3' }] } });
    const [span] = await support.waitForSpans(tracing.exporter, 1);
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.attributes).toEqual({
      'mcp.method.name': 'tools/call',
      'jsonrpc.request.id': 'r-1',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'add',
      'gen_ai.tool.call.arguments': '{"a":1,"b":2}',
      'gen_ai.tool.call.result': '{"content":[{"type":"text","text":"3"}]}',
    });
  });

  it('carries the tool call id to the server and ignores an empty one', async () => {
    const client = await connectedClient();
    await withToolCall({ id: 'toolu_01' }, () => client.callTool({ name: 'add', arguments: { a: 1, b: 1 } }));
    await withToolCall({ id: '' }, () => client.callTool({ name: 'add', arguments: { a: 1, b: 1 } }));
    const spans = (await support.waitForSpans(tracing.exporter, 6)).filter((s) => s.name === 'tools/call add');
    expect(spans.map((s) => s.attributes['gen_ai.tool.call.id'])).toEqual(['toolu_01', 'toolu_01', undefined, undefined]);
    await client.close();
  });

  it('leaves the call untouched when it cannot trace it (a propagator that throws)', async () => {
    const client = await connectedClient();
    const throwing: TextMapPropagator = {
      inject: () => {
        throw new Error('propagator failure');
      },
      extract: (ctx) => ctx,
      fields: () => [],
    };
    propagation.setGlobalPropagator(throwing);
    try {
      expect(await client.callTool({ name: 'add', arguments: { a: 2, b: 2 } })).toEqual({ content: [{ type: 'text', text: '4' }] });
    } finally {
      propagation.disable();
      support.registerGlobally(tracing.provider);
    }
    await client.close();
  });

  it('traces nothing while disabled, and again once enabled', async () => {
    const client = await connectedClient();
    tracing.instrumentation.disable();
    expect(await client.callTool({ name: 'add', arguments: { a: 3, b: 4 } })).toEqual({ content: [{ type: 'text', text: '7' }] });
    await tracing.provider.forceFlush();
    // Only the connection's initialize, made while enabled.
    expect(tracing.exporter.getFinishedSpans().map((s) => s.name)).toEqual(['initialize', 'initialize']);
    tracing.instrumentation.enable();
    await client.callTool({ name: 'add', arguments: { a: 3, b: 4 } });
    const spans = await support.waitForSpans(tracing.exporter, 4);
    expect(spans.slice(2).map((s) => s.name)).toEqual(['tools/call add', 'tools/call add']);
    await client.close();
  });
});
