/**
 * The standard OTLP exporter settings (https://opentelemetry.io/docs/specs/otel/protocol/exporter/ and
 * OTEL_TRACES_EXPORTER in the SDK environment variable spec) on every transport, in real child processes:
 * headers, gzip compression (checked on the wire), console, none, several exporters at once, the typed
 * options of start(), clear errors for what cannot be served, and @grpc/grpc-js loaded only when gRPC is chosen.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeTraceExport, provenanceOf, readStore, runApp, type AppRun, type OtlpTransport } from '../harness/index.js';

const TRANSPORTS = ['grpc', 'http/protobuf', 'http/json'] as const satisfies readonly OtlpTransport[];
const CHAT = { id: 'chatcmpl-emu-1', content: 'Echo: Say hello to the provenance store' };

/** The app ran, printed its answer, and the store holds its one span. */
async function expectChatStored(run: AppRun): Promise<void> {
  expect(run.exitCode).toBe(0);
  const { logs } = await readStore(run.storeDir!);
  expect(logs.map((log) => log.records.map((record) => record.name))).toEqual([['chat gpt-4o-mini']]);
}

describe.each(TRANSPORTS)('OTLP %s', (protocol) => {
  it('sends OTEL_EXPORTER_OTLP_HEADERS (percent-decoded), the traces-specific variable winning per key', async () => {
    const run = await runApp({
      module: 'cjs',
      app: 'fixtures/openai-chat.cjs',
      protocol,
      env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,x-scope=all%20teams', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=billing' },
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(CHAT);
    await expectChatStored(run);
    expect(run.spans.map((span) => span.attributes['provenance.record.cid'])).toEqual([(await provenanceOf(run, 0))['provenance.record.cid']]);
    for (const received of run.exports) {
      expect(received.headers['x-tenant']).toBe('billing');
      expect(received.headers['x-scope']).toBe('all teams');
    }
  });

  it('compresses with gzip when OTEL_EXPORTER_OTLP_COMPRESSION=gzip, and the compressed bytes decode to the spans', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', protocol, env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' } });
    expect(run.stderr).toBe('');
    await expectChatStored(run);
    expect(run.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
    const compressedBodies =
      protocol === 'grpc'
        ? run.grpcWireMessages!.map((message) => {
            expect(message.compressed).toBe(true);
            return message.bytes;
          })
        : run.exports.map((received) => {
            expect(received.headers['content-encoding']).toBe('gzip');
            return received.rawBody;
          });
    expect(compressedBodies).toHaveLength(run.exports.length);
    const decoded = compressedBodies.flatMap((body) => decodeTraceExport(gunzipSync(body), protocol === 'http/json' ? 'http/json' : 'http/protobuf'));
    expect(decoded).toEqual(run.spans);
  });

  it('sends uncompressed by default', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', protocol });
    expect(run.stderr).toBe('');
    expect(run.spans).toHaveLength(1);
    if (protocol === 'grpc') expect(run.grpcWireMessages!.map((message) => message.compressed)).toEqual([false]);
    else expect(run.exports.map((received) => received.headers['content-encoding'])).toEqual([undefined]);
  });

  it('exports to OTLP and prints on stdout with OTEL_TRACES_EXPORTER=otlp,console', async () => {
    const run = await runApp({ module: 'esm', app: 'fixtures/openai-chat.mjs', protocol, env: { OTEL_TRACES_EXPORTER: 'otlp,console' } });
    expect(run.stderr).toBe('');
    await expectChatStored(run);
    const [span] = run.spans;
    expect(run.spans).toHaveLength(1);
    // The console copy is the same span, with the same provenance CID.
    expect(run.stdout).toContain(`name: 'chat gpt-4o-mini'`);
    expect(run.stdout).toContain(`traceId: '${span!.traceId}'`);
    expect(run.stdout).toContain(`'provenance.record.cid': '${span!.attributes['provenance.record.cid'] as string}'`);
  });
});

describe('OTEL_TRACES_EXPORTER without otlp', () => {
  it('console: prints the span with its provenance CIDs and sends nothing over OTLP, though an endpoint is set', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', env: { OTEL_TRACES_EXPORTER: 'console' } });
    expect(run.stderr).toBe('');
    await expectChatStored(run);
    expect(run.exports).toEqual([]);
    expect(run.stdout.startsWith(`${JSON.stringify(CHAT)}\n`)).toBe(true);
    expect(run.stdout).toContain(`name: 'chat gpt-4o-mini'`);
    expect(run.stdout).toContain(`'provenance.record.cid': '${(await provenanceOf(run, 0))['provenance.record.cid']}'`);
  });

  it('none: no OTel export at all, the store still records', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', protocol: 'grpc', env: { OTEL_TRACES_EXPORTER: 'none' } });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${JSON.stringify(CHAT)}\n`);
    await expectChatStored(run);
    expect(run.exports).toEqual([]);
    expect(run.grpcWireMessages).toEqual([]);
  });
});

describe('start() with typed OTLP options', () => {
  it('sends over gRPC to the given URL with the given metadata and gzip', async () => {
    const run = await runApp({
      module: 'cjs',
      app: 'fixtures/openai-chat.cjs',
      protocol: 'grpc',
      preload: './fixtures/tracing-start-grpc.cjs',
      // Only the options choose the transport: the variables point elsewhere.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    });
    expect(run.stderr).toBe('');
    await expectChatStored(run);
    expect(run.exports.map((received) => [received.protocol, received.headers['x-tenant']])).toEqual([['grpc', 'from-code']]);
    expect(run.grpcWireMessages!.map((message) => message.compressed)).toEqual([true]);
    expect(run.spans.map((span) => [span.name, span.resource['service.name']])).toEqual([['chat gpt-4o-mini', 'typed-grpc']]);
  });
});

describe('settings that cannot be served', () => {
  it.each([
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc+json' },
      'OTEL_EXPORTER_OTLP_PROTOCOL: unsupported OTLP protocol "grpc+json" (supported: grpc, http/protobuf, http/json)',
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http' },
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: unsupported OTLP protocol "http" (supported: grpc, http/protobuf, http/json)',
    ],
    [{ OTEL_TRACES_EXPORTER: 'otlp,zipkin' }, 'OTEL_TRACES_EXPORTER: unsupported exporter "zipkin" (supported: otlp, console, none)'],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli' }, 'OTEL_EXPORTER_OTLP_COMPRESSION: unsupported OTLP compression "brotli" (supported: gzip, none)'],
  ])('%o: one line on stderr naming the variable and value; the app runs untraced', async (env, message) => {
    const run = await runApp({ module: 'esm', app: 'fixtures/openai-chat.mjs', env });
    expect(run.stderr).toBe(`@llm-provenance/auto-instrumentations: configuration error: ${message}; tracing is OFF for this process\n`);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(CHAT);
    expect(run.exports).toEqual([]);
  });
});

describe('@grpc/grpc-js is loaded only when OTLP/gRPC is chosen', () => {
  it.each([
    ['cjs', 'http/protobuf', false],
    ['esm', 'http/json', false],
    ['cjs', 'grpc', true],
    ['esm', 'grpc', true],
  ] as const)('under --%s register with OTLP %s: loaded by exit = %s', async (module, protocol, loaded) => {
    const run = await runApp({ module, app: 'fixtures/openai-chat-grpc-loaded.cjs', protocol });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${JSON.stringify({ id: 'chatcmpl-emu-1' })}\n${JSON.stringify({ grpcJsLoaded: loaded })}\n`);
    expect(run.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
  });
});
