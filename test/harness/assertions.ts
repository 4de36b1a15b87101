/** Small helpers shared by e2e tests. */
import { hostname } from 'node:os';
import { expect } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { PLANTED_API_KEY, type AppRun } from './run-app.js';
import type { OtlpSpan } from './otlp-decode.js';
import { readStore } from './store-reader.js';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The emulator's port, as the instrumentations report it in `server.port`. */
export function emulatorPort(run: AppRun): number {
  return Number(new URL(run.emulatorUrl).port);
}

/** Asserts the resource every register-started process gets. */
export function expectProcessResource(span: OtlpSpan, serviceName: string): void {
  expect(span.resource['service.name']).toBe(serviceName);
  expect(span.resource['service.instance.id']).toMatch(UUID_PATTERN);
  expect(span.resource['host.name']).toBe(hostname());
  expect(span.resource['telemetry.sdk.name']).toBe('opentelemetry');
  expect(span.resource['process.runtime.name']).toBe('nodejs');
}

/**
 * The provenance.* attributes a span must carry when the store is on, computed from the store itself
 * (record CIDs recomputed from the JSONL bytes): record i of the run's single log.
 */
export async function provenanceOf(run: AppRun, seq: number): Promise<Record<string, string | number>> {
  if (!run.storeDir) throw new Error('the run had no store');
  const { logs } = await readStore(run.storeDir);
  expect(logs).toHaveLength(1);
  const log = logs[0]!;
  const record = log.records[seq]!;
  return {
    'provenance.record.cid': log.cids[seq]!,
    ...(record.input ? { 'provenance.input.cid': record.input['/'] } : {}),
    ...(record.output ? { 'provenance.output.cid': record.output['/'] } : {}),
    'provenance.log.id': log.logId,
    'provenance.log.seq': seq,
  };
}

/** `server.address` and `server.port` of a span for a call to the run's emulator. */
export function emulatorServerAttributes(run: AppRun): { 'server.address': string; 'server.port': number } {
  return { 'server.address': '127.0.0.1', 'server.port': emulatorPort(run) };
}

/**
 * The attributes of a span for a call to the run's emulator made with `PLANTED_API_KEY`: the server
 * and the key's fingerprint (never the key).
 */
export function plantedKeyCallAttributes(run: AppRun): Record<string, unknown> {
  return { ...emulatorServerAttributes(run), 'provenance.credential.fingerprint': fingerprintCredential(PLANTED_API_KEY) };
}
