/**
 * OTLP endpoints that are down (one refusing connections, one accepting them and never answering), and
 * what a run against one must leave: a complete, closed store and one line on stderr.
 */
import { readdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { readStore } from './store-reader.js';
import type { AppRun } from './run-app.js';

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

/** The store holds exactly `count` records, closed with a final checkpoint of all of them, no lock, and verifies. */
export async function expectCompleteClosedStore(run: AppRun, count: number) {
  const { logs, checkpoints } = await readStore(run.storeDir!);
  expect(logs).toHaveLength(1);
  const [log] = logs;
  expect(log!.records).toHaveLength(count);
  expect(checkpoints).toContain(`${log!.logId}.${String(count).padStart(12, '0')}.json`);
  expect(readdirSync(path.join(run.storeDir!, 'logs'))).toEqual([`${log!.logId}.jsonl`]);
  const report = verifyStore(run.storeDir!);
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.logs.map((l) => [l.records, l.signedSize])).toEqual([[count, count]]);
  return log!;
}

/** stderr is one line: forwarding failed, and the store is complete with `stored` spans. */
export function expectOneForwardingLine(run: AppRun, stored: number) {
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    new RegExp(`^CidSpanExporter: forwarding to OTLPTraceExporter failed: .+; the provenance store is complete \\(all ${stored} spans stored\\)$`),
  );
  expect(run.stderr).not.toContain('export failed');
}
