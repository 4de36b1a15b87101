/**
 * OTLP/gRPC to a collector that is down costs the app neither records nor its exit, as over HTTP
 * (collector-down.test.ts): the store is written, checkpointed and unlocked first, the gRPC channel does not
 * keep the process alive, and stderr says once that forwarding failed. OTEL_EXPORTER_OTLP_TIMEOUT bounds
 * each export (over gRPC, the call's deadline; over HTTP, the request) when the shutdown budget leaves more
 * room than it.
 */
import { describe, expect, it } from 'vitest';
import { runApp } from '../harness/index.js';
import { deadCollectors, expectCompleteClosedStore, expectOneForwardingLine } from '../harness/dead-collector.js';

describe('OTLP/gRPC while the collector is down', () => {
  it.each(Object.keys(deadCollectors) as (keyof typeof deadCollectors)[])(
    'a script that ends on its own exits with every record stored (collector %s)',
    async (kind) => {
      const endpoint = await deadCollectors[kind]();
      const run = await runApp({
        module: 'cjs',
        app: 'fixtures/openai-three-chats.cjs',
        protocol: false,
        env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      });
      expect(run.exitCode).toBe(0);
      expect(run.signal).toBeNull();
      const log = await expectCompleteClosedStore(run, 3);
      expect(log.records.map((r) => r.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'chat gpt-4o-mini']);
      expectOneForwardingLine(run, 3);
    },
  );

  it.each([
    ['grpc', /: 4 DEADLINE_EXCEEDED: Deadline exceeded after \d+\.\d+s/],
    ['http/protobuf', /: Request timed out;/],
  ] as const)('%s: gives up on an export after OTEL_EXPORTER_OTLP_TIMEOUT, not the shutdown budget, and says so', async (protocol, reason) => {
    const endpoint = await deadCollectors.hanging();
    const run = await runApp({
      module: 'cjs',
      app: 'fixtures/openai-three-chats.cjs',
      protocol: false,
      env: {
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TIMEOUT: '300',
        LLM_PROVENANCE_SHUTDOWN_BUDGET_MS: '20000',
      },
    });
    expect(run.exitCode).toBe(0);
    await expectCompleteClosedStore(run, 3);
    expectOneForwardingLine(run, 3);
    expect(run.stderr).toMatch(reason);
  });
});
