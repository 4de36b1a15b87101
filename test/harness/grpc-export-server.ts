/**
 * The gRPC side shared by the loopback OTLP/gRPC receivers (traces: otlp-grpc-receiver.ts, metrics:
 * otlp-metrics-receiver.ts): a real @grpc/grpc-js server on 127.0.0.1 (random port) serving one unary
 * `Export` method with raw bytes in and out, so that each receiver decodes the request (and encodes the
 * response) with the official protos itself and what is checked is what crossed the wire.
 */
import { Server, ServerCredentials, status, type Metadata, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';

/** Decodes one request; returns the encoded response, or throws to answer INVALID_ARGUMENT with the error's message. */
export type ExportHandler = (request: Buffer, metadata: Metadata) => Uint8Array;

export interface GrpcExportServer {
  readonly port: number;
  /** Stops at once: pending calls are cancelled. */
  close(): void;
}

const identity = (bytes: Buffer) => bytes;

/** Serves `path` (e.g. `/opentelemetry.proto.collector.trace.v1.TraceService/Export`) with `handle`. */
export async function startGrpcExportServer(path: string, handle: ExportHandler): Promise<GrpcExportServer> {
  const server = new Server();
  server.addService(
    {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        let response: Uint8Array;
        try {
          response = handle(call.request, call.metadata);
        } catch (error) {
          callback({ code: status.INVALID_ARGUMENT, details: (error as Error).message });
          return;
        }
        callback(null, Buffer.from(response));
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
  );
  return { port, close: () => server.forceShutdown() };
}
