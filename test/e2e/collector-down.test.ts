/**
 * A collector that refuses connections or never answers costs the app neither records nor time: on exit
 * and on SIGTERM the store is written, checkpointed and unlocked first, OTLP forwarding gets only what
 * is left of the shutdown budget, and stderr says once, in one line, that forwarding failed and whether
 * the store is complete.
 */
import { describe, expect, it } from 'vitest';
import { readStore, runApp } from '../harness/index.js';
import { deadCollectors, expectCompleteClosedStore, expectOneForwardingLine, hangingEndpoint, refusingEndpoint } from '../harness/dead-collector.js';

/** The OTLP exporter's own per-export timeout (OTEL_EXPORTER_OTLP_TIMEOUT default): what a stuck forward used to cost. */
const OTLP_TIMEOUT_MS = 10_000;

const endpoints = deadCollectors;

describe('a script that ends on its own while the collector refuses connections', () => {
  it.each(['cjs', 'esm'] as const)('exits about when it would uninstrumented, with every record stored (%s)', async (module) => {
    const endpoint = await refusingEndpoint();
    const uninstrumented = await runApp({ module, app: 'fixtures/openai-three-chats.cjs', env: { OTEL_SDK_DISABLED: 'true' } });
    expect(uninstrumented.exitCode).toBe(0);
    const run = await runApp({ module, app: 'fixtures/openai-three-chats.cjs', env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    expect(run.exitCode).toBe(0);
    expect(run.signal).toBeNull();
    const log = await expectCompleteClosedStore(run, 3);
    expect(log.records.map((r) => r.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini', 'chat gpt-4o-mini']);
    expectOneForwardingLine(run, 3);
    // The shutdown budget (1 s by default) bounds the forward; the OTLP exporter alone would retry for
    // up to its 10 s timeout. A generous bound: the machine is shared.
    expect(run.runMs - uninstrumented.runMs).toBeLessThan(OTLP_TIMEOUT_MS / 2);
  });
});

describe('SIGTERM to an app without a handler of its own while the collector is down', () => {
  it.each(Object.keys(endpoints) as (keyof typeof endpoints)[])(
    'stores every call made before the signal, checkpoints, unlocks and dies of SIGTERM (collector %s)',
    async (kind) => {
      const endpoint = await endpoints[kind]();
      const run = await runApp({
        module: 'cjs',
        app: 'fixtures/openai-calls-until-signal.cjs',
        // Batches leave every 50 ms, so forwards to the dead collector are under way when the signal comes.
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' },
        signal: { send: 'SIGTERM', whenStdout: 'CALLED 20\n' },
      });
      expect(run.signal).toBe('SIGTERM');
      expect(run.exitCode).toBeNull();
      const { logs } = await readStore(run.storeDir!);
      const stored = logs[0]!.records.length;
      // Every call that returned before the signal is stored (in order); so may a few that returned while
      // the signal was on its way, never one the app did not make.
      const called = run.stdout.trim().split('\n').length;
      expect(stored).toBeGreaterThanOrEqual(20);
      expect(stored).toBeLessThanOrEqual(called + 1);
      await expectCompleteClosedStore(run, stored);
      expectOneForwardingLine(run, stored);
      // The store first (milliseconds), then forwarding within what is left of the 1 s budget.
      expect(run.signalToExitMs).toBeLessThan(OTLP_TIMEOUT_MS / 3);
    },
  );
});

describe('SIGTERM to an app with a handler of its own while the collector never answers', () => {
  it('stores and checkpoints first, says once that forwarding failed, and leaves exiting to the app', async () => {
    const endpoint = await hangingEndpoint();
    const run = await runApp({
      module: 'cjs',
      app: 'fixtures/openai-until-signal.cjs',
      // The app's handler exits 1 s after the signal; forwarding gets 300 ms of it.
      env: { HANDLE_SIGTERM: '1', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, LLM_PROVENANCE_SHUTDOWN_BUDGET_MS: '300' },
      signal: { send: 'SIGTERM', whenStdout: 'CALLED' },
    });
    expect(run.stdout).toBe('CALLED chatcmpl-emu-1\napp handler ran\n');
    expect(run.signal).toBeNull();
    expect(run.exitCode).toBe(0);
    await expectCompleteClosedStore(run, 1);
    expectOneForwardingLine(run, 1);
    expect(run.stderr).toContain('within the 300 ms shutdown budget');
  });
});
