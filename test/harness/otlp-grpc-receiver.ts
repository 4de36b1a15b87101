/**
 * A loopback OTLP/gRPC trace receiver (127.0.0.1, random port) for end-to-end tests: a real gRPC server
 * (@grpc/grpc-js) serving opentelemetry.proto.collector.trace.v1.TraceService/Export, whose requests are
 * decoded with the official opentelemetry-proto definitions (the protobufjs root generated from them, see
 * otlp-decode.ts). Same interface as the OTLP/HTTP receiver (otlp-receiver.ts); `headers` of an export are
 * the call's gRPC metadata.
 */
import { createRequire } from 'node:module';
import type { Metadata } from '@grpc/grpc-js';
import { startGrpcExportServer } from './grpc-export-server.js';
import { decodeTraceExport, encodeEmptyProtobufResponse } from './otlp-decode.js';
import { startGrpcWireTap, type WireMessage } from './grpc-wire-tap.js';
import type { OtlpReceiver, ReceivedExport } from './otlp-receiver.js';

const require = createRequire(import.meta.url);
const protoRoot = require('otlp-transformer-protos/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: { TraceService: { prototype: { export: { name: string } } } } } } } };
};

/** The service's full name in trace_service.proto, and its one method's name as the generated code has it ("Export"). */
export const TRACE_SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';
export const TRACE_EXPORT_PATH = `/${TRACE_SERVICE}/${protoRoot.opentelemetry.proto.collector.trace.v1.TraceService.prototype.export.name}`;

export interface OtlpGrpcReceiver extends OtlpReceiver {
  /** The gRPC messages as the client put them on the wire (compressed flag, bytes), read by grpc-wire-tap.ts. */
  readonly wireMessages: WireMessage[];
}

/** Clients dial `url`: a relay (grpc-wire-tap.ts) that records the messages and passes everything on to the server. */
export async function startOtlpGrpcReceiver(): Promise<OtlpGrpcReceiver> {
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

  const server = await startGrpcExportServer(TRACE_EXPORT_PATH, (rawBody, metadata) => {
    const headers = metadataRecord(metadata);
    raw.push(Buffer.from(`${TRACE_EXPORT_PATH}\n${JSON.stringify(headers)}\n`), rawBody);
    try {
      exports.push({ protocol: 'grpc', headers, rawBody, spans: decodeTraceExport(rawBody, 'http/protobuf') });
    } catch (error) {
      const reason = `cannot decode ExportTraceServiceRequest: ${(error as Error).message}`;
      rejected.push({ path: TRACE_EXPORT_PATH, contentType: 'application/grpc', reason });
      throw new Error(reason, { cause: error });
    }
    notify();
    return encodeEmptyProtobufResponse();
  });

  const tap = await startGrpcWireTap(server.port);

  return {
    url: `http://${tap.address}`,
    wireMessages: tap.messages,
    exports,
    rejected,
    spans: () => exports.flatMap((received) => received.spans),
    receivedSpans: (count) => (spanCount() >= count ? Promise.resolve() : new Promise<void>((resolve, reject) => waiters.push({ count, resolve, reject }))),
    rawBytes: () => Buffer.concat(raw),
    close: async () => {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`the OTLP/gRPC receiver closed after ${spanCount()} of ${waiter.count} spans`));
      await tap.close();
      server.close();
    },
  };
}

/** gRPC metadata as header-like strings (repeated keys joined with ", ", binary values base64). */
function metadataRecord(metadata: Metadata): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    record[key] = values.map((value) => (typeof value === 'string' ? value : value.toString('base64'))).join(', ');
  }
  return record;
}
