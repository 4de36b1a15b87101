/** OTLP endpoints that are down: one refusing connections, one accepting them and never answering. */
import { createServer, type Socket } from 'node:net';
import { onTestFinished } from 'vitest';

/** A loopback URL whose port refuses connections (a listener was there and is closed again). */
export async function refusingEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A loopback URL that accepts connections and reads requests but never answers; closed when the test finishes. */
export async function hangingEndpoint(): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

export const deadCollectors = { refusing: refusingEndpoint, hanging: hangingEndpoint };
