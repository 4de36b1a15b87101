/**
 * Family 3, signals: SIGTERM and SIGINT reach a real OpenAI app under the register hook while the OTLP
 * collector refuses connections or never answers, with and without a handler of the app's own. Either way
 * the store is flushed, sealed and unlocked, and every call the app made before the signal is stored.
 * Without a handler the process dies of the signal, as Node would have ended it (the store flush came
 * first); with one, the app's handler runs and the app decides when to exit (it exits 0). Outcomes are
 * asserted by what happened (exit status, stored records, seal, stderr), not by wall time: the time bound
 * itself is test/e2e/collector-down.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { readStore, runApp } from '../harness/index.js';
import { deadCollectors, expectCompleteClosedStore, expectOneForwardingLine } from '../harness/dead-collector.js';
import { note, tally } from './tally.js';
import { FULL } from './runs.js';

const summary = tally('signals');

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const HANDLERS = ['no handler', 'app handler'] as const;
const COLLECTORS = Object.keys(deadCollectors) as (keyof typeof deadCollectors)[];
const MODULES = FULL ? (['cjs', 'esm'] as const) : (['cjs'] as const);

const matrix = SIGNALS.flatMap((signal) =>
  HANDLERS.flatMap((handler) => COLLECTORS.flatMap((collector) => MODULES.map((module) => [signal, handler, collector, module] as const))),
);

describe(`signals with the collector down (${matrix.length} cases)`, () => {
  it.each(matrix)('%s, %s, collector %s (%s): store sealed with every call, exit as the app would', async (signal, handler, collector, module) => {
    const endpoint = await deadCollectors[collector]();
    summary.cases++;
    if (handler === 'no handler') {
      // Calls one after another; the signal comes after the 5th returned, with forwards to the dead collector under way.
      const run = await runApp({
        module,
        app: 'fixtures/openai-calls-until-signal.cjs',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' },
        signal: { send: signal, whenStdout: 'CALLED 5\n' },
      });
      const { logs } = await readStore(run.storeDir!);
      const stored = logs[0]!.records.length;
      const called = run.stdout.trim().split('\n').length;
      if (stored < 5) summary.lostAcknowledged += 5 - stored;
      if (run.signal !== signal) summary.appVisibleChanges++;
      expect(run.signal).toBe(signal);
      expect(run.exitCode).toBeNull();
      expect(stored).toBeGreaterThanOrEqual(5);
      expect(stored).toBeLessThanOrEqual(called + 1);
      await expectCompleteClosedStore(run, stored);
      expectOneForwardingLine(run, stored);
      note(summary, 'records stored and sealed', stored);
    } else {
      const run = await runApp({
        module,
        app: 'fixtures/openai-until-signal.cjs',
        env: { [`HANDLE_${signal}`]: '1', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, LLM_PROVENANCE_SHUTDOWN_BUDGET_MS: '300' },
        signal: { send: signal, whenStdout: 'CALLED' },
      });
      // The app's own handler ran and the app exited when it chose to, with its own status.
      if (run.stdout !== 'CALLED chatcmpl-emu-1\napp handler ran\n' || run.exitCode !== 0) summary.appVisibleChanges++;
      expect(run.stdout).toBe('CALLED chatcmpl-emu-1\napp handler ran\n');
      expect(run.signal).toBeNull();
      expect(run.exitCode).toBe(0);
      await expectCompleteClosedStore(run, 1);
      expectOneForwardingLine(run, 1);
      note(summary, 'records stored and sealed', 1);
    }
  });
});
