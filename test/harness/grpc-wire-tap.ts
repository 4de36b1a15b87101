/**
 * A loopback TCP relay in front of a gRPC server that reads the client's HTTP/2 frames as they pass
 * (RFC 9113 section 4.1: 9-byte frame header; DATA frames are type 0) and splits their payload into gRPC
 * messages (the gRPC over HTTP/2 protocol's Length-Prefixed-Message: a compressed flag byte, a 4-byte
 * big-endian length, the message). @grpc/grpc-js decompresses before its handlers run and drops the
 * `grpc-encoding` header, so this is where a test sees whether the client really compressed.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface WireMessage {
  /** Stream the message came on. */
  streamId: number;
  /** The Compressed-Flag byte: true when the message bytes are compressed with the call's grpc-encoding. */
  compressed: boolean;
  /** The message bytes exactly as sent. */
  bytes: Buffer;
}

export interface GrpcWireTap {
  /** `host:port` to dial instead of the server's. */
  readonly address: string;
  /** Every gRPC message the clients sent, in order. */
  readonly messages: WireMessage[];
  close(): Promise<void>;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const DATA = 0x0;
const PADDED = 0x8;

export async function startGrpcWireTap(serverPort: number): Promise<GrpcWireTap> {
  const messages: WireMessage[] = [];
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: serverPort });
    sockets.add(client).add(upstream);
    const parse = clientFrameParser(messages);
    client.on('data', (chunk: Buffer) => {
      parse(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    messages,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        relay.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Feeds the client-to-server byte stream; appends each complete gRPC message to `messages`. */
function clientFrameParser(messages: WireMessage[]): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let prefaceSeen = false;
  const streams = new Map<number, Buffer>();
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    if (!prefaceSeen) {
      if (pending.length < PREFACE.length) return;
      if (!pending.subarray(0, PREFACE.length).equals(PREFACE)) throw new Error('not an HTTP/2 prior-knowledge connection');
      pending = pending.subarray(PREFACE.length);
      prefaceSeen = true;
    }
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) return;
      const type = pending[3]!;
      const flags = pending[4]!;
      const streamId = pending.readUInt32BE(5) & 0x7fffffff;
      let payload = pending.subarray(9, 9 + length);
      pending = pending.subarray(9 + length);
      if (type !== DATA) continue;
      if (flags & PADDED) payload = payload.subarray(1, payload.length - payload[0]!);
      let data = Buffer.concat([streams.get(streamId) ?? Buffer.alloc(0), payload]);
      while (data.length >= 5 && data.length >= 5 + data.readUInt32BE(1)) {
        const size = data.readUInt32BE(1);
        messages.push({ streamId, compressed: data[0] === 1, bytes: Buffer.from(data.subarray(5, 5 + size)) });
        data = data.subarray(5 + size);
      }
      streams.set(streamId, data);
    }
  };
}
