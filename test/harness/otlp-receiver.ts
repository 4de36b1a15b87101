/**
 * A loopback OTLP/HTTP trace receiver (127.0.0.1, random port) for end-to-end tests.
 * Accepts POST /v1/traces as application/x-protobuf or application/json (optionally gzip-encoded),
 * answers like a collector, and keeps every request's raw bytes and decoded spans.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceExport, encodeEmptyProtobufResponse, type OtlpProtocol, type OtlpSpan } from './otlp-decode.js';

/** How an export arrived: one of the OTLP/HTTP encodings, or OTLP/gRPC (otlp-grpc-receiver.ts). */
export type OtlpTransport = OtlpProtocol | 'grpc';

export interface ReceivedExport {
  protocol: OtlpTransport;
  /** HTTP request headers, or the gRPC call's metadata. */
  headers: IncomingHttpHeaders;
  /** Body exactly as received (before gunzip). */
  rawBody: Buffer;
  spans: OtlpSpan[];
}

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT, e.g. `http://127.0.0.1:4567`. */
  readonly url: string;
  readonly exports: ReceivedExport[];
  /** Requests that could not be decoded (answered 400), with the reason. */
  readonly rejected: { path: string; contentType: string | undefined; reason: string }[];
  /** Every span received so far, in arrival order. */
  spans(): OtlpSpan[];
  /** Resolves once `count` spans have been received (decoded and answered); rejects if the receiver closes first. */
  receivedSpans(count: number): Promise<void>;
  /** Every byte received (request lines, headers and bodies), for "this secret never left" checks. */
  rawBytes(): Buffer;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = [];
  const rejected: OtlpReceiver['rejected'] = [];
  const raw: Buffer[] = [];
  const waiters: Array<{ count: number; resolve: () => void; reject: (error: Error) => void }> = [];
  const spanCount = () => exports.reduce((n, received) => n + received.spans.length, 0);
  const notify = () => {
    for (const waiter of waiters.filter((w) => w.count <= spanCount())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      raw.push(Buffer.from(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n`), rawBody);
      const contentType = req.headers['content-type']?.split(';')[0]?.trim();
      const protocol: OtlpProtocol | undefined =
        contentType === 'application/x-protobuf' ? 'http/protobuf' : contentType === 'application/json' ? 'http/json' : undefined;
      const reject = (status: number, reason: string) => {
        rejected.push({ path: req.url ?? '', contentType, reason });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
      };
      if (req.method !== 'POST' || req.url !== '/v1/traces') return reject(404, `no route for ${req.method} ${req.url}`);
      if (!protocol) return reject(415, `unsupported content-type ${contentType}`);
      try {
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(rawBody) : rawBody;
        exports.push({ protocol, headers: req.headers, rawBody, spans: decodeTraceExport(body, protocol) });
      } catch (error) {
        return reject(400, `cannot decode ${protocol} body: ${(error as Error).message}`);
      }
      if (protocol === 'http/protobuf') {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(encodeEmptyProtobufResponse()));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }
      notify();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    rejected,
    spans: () => exports.flatMap((received) => received.spans),
    receivedSpans: (count) => (spanCount() >= count ? Promise.resolve() : new Promise<void>((resolve, reject) => waiters.push({ count, resolve, reject }))),
    rawBytes: () => Buffer.concat(raw),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const waiter of waiters.splice(0)) waiter.reject(new Error(`the OTLP receiver closed after ${spanCount()} of ${waiter.count} spans`));
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
