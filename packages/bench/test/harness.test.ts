// The per-call harness must not let a configuration look cheap by doing less: a tracer that became a no-op,
// a processor that drops, or content that was not captured fails the measurement.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OpenAIInstrumentation } from '@llm-provenance/instrumentation-openai';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { checkBlock, measureBlocks } from '../src/per-call/measure.mjs';
import { EndedSpanCounter, OtlpSpanSink } from '../src/per-call/sinks.mjs';
import { callFunction, clientOptions, inMemoryFetch } from '../src/per-call/transport.mjs';
import { CONFIGURATIONS } from '../src/per-call/configurations.mjs';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(here, '../src/per-call/worker.mjs');

const spans = (ended: number, exported = ended, withContent = exported) => ({ ended, exported, withContent });

describe('checkBlock', () => {
  const base = { label: 'x plain, enabled block of 5 calls', contentOn: 'spans', before: spans(10) };

  it('accepts one exported span with content per call, and none for a disabled block', () => {
    expect(() => checkBlock({ ...base, after: spans(15), expected: 5 })).not.toThrow();
    expect(() => checkBlock({ ...base, after: spans(10), expected: 0 })).not.toThrow();
  });

  it('rejects an enabled block whose instrumentation ended no span (a no-op tracer)', () => {
    expect(() => checkBlock({ ...base, after: spans(10), expected: 5 })).toThrow(
      new Error('x plain, enabled block of 5 calls: 0 spans ended, expected 5; 0 exported spans carry the prompt and the answer, expected 5'),
    );
  });

  it('rejects dropped spans, spans without content, and spans from a disabled block', () => {
    const label = 'x plain, enabled block of 5 calls: ';
    expect(() => checkBlock({ ...base, after: spans(15, 14, 14), expected: 5 })).toThrow(
      new Error(`${label}4 spans exported of 5 ended (dropped); 4 exported spans carry the prompt and the answer, expected 5`),
    );
    expect(() => checkBlock({ ...base, after: spans(15, 15, 13), expected: 5 })).toThrow(
      new Error(`${label}3 exported spans carry the prompt and the answer, expected 5`),
    );
    expect(() => checkBlock({ ...base, after: spans(11), expected: 0 })).toThrow(
      new Error(`${label}1 spans ended, expected 0; 1 exported spans carry the prompt and the answer, expected 0`),
    );
  });

  it('for content in log events, rejects a block without one prompt and one answer record per call', () => {
    const logs = (emitted: number, exported: number, withInput: number, withOutput: number) => ({
      ...spans(5, 5, 0),
      logsEmitted: emitted,
      logsExported: exported,
      logsWithInput: withInput,
      logsWithOutput: withOutput,
    });
    const before = { ended: 0, exported: 0, withContent: 0 };
    expect(() => checkBlock({ label: 'c', contentOn: 'logs', before, after: logs(15, 15, 5, 5), expected: 5 })).not.toThrow();
    expect(() => checkBlock({ label: 'c', contentOn: 'logs', before, after: logs(15, 15, 5, 0), expected: 5 })).toThrow(
      new Error('c: 0 log records carry the answer, expected 5'),
    );
    expect(() => checkBlock({ label: 'c', contentOn: 'logs', before, after: logs(15, 12, 5, 5), expected: 5 })).toThrow(
      new Error('c: 12 log records exported of 15 emitted (dropped)'),
    );
  });
});

describe('measureBlocks', () => {
  it('fails when the instrumentation traces into a provider other than the one being counted', async () => {
    // The instrumentation gets no tracer provider (the API's no-op one): the counted pipeline sees nothing.
    const ended = new EndedSpanCounter();
    const sink = new OtlpSpanSink(() => true);
    const counted = new TracerProvider({ spanProcessors: [ended] });
    const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
    const { OpenAI } = createRequire(import.meta.url)('openai');
    const client = new OpenAI(clientOptions(inMemoryFetch({ stream: false })));
    const setup = {
      instrumentation,
      contentOn: 'spans',
      counts: () => ({ ended: ended.ended, exported: sink.exported, withContent: sink.withContent }),
      flush: () => counted.forceFlush(),
    };
    try {
      await expect(
        measureBlocks({ setup, call: callFunction(client, { stream: false }), label: 'no-op', blockCalls: 3, warmupPairs: 1, pairs: 1 }),
      ).rejects.toThrow(new Error('no-op, enabled block of 3 calls: 0 spans ended, expected 3; 0 exported spans carry the prompt and the answer, expected 3'));
    } finally {
      instrumentation.disable();
    }
  });
});

describe('worker', () => {
  // Every configuration, both kinds of call, with tiny block counts: exactly one exported span per traced
  // call, nothing dropped, and (store on) every span in the store and verified. Nothing left in TMPDIR.
  it.each(CONFIGURATIONS.flatMap((c) => ['plain', 'stream'].map((mode) => [c.id, mode])))('%s %s exports one span per traced call', async (id, mode) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmp-bench-test-'));
    try {
      const { stdout } = await run(process.execPath, [WORKER, id, mode], {
        env: { ...process.env, TMPDIR: tmp, BENCH_BLOCK_CALLS: '4', BENCH_WARMUP_PAIRS: '1', BENCH_PAIRS: '2' },
      });
      const result = JSON.parse(
        stdout
          .split('\n')
          .find((l) => l.startsWith('BENCH_RESULT '))!
          .slice('BENCH_RESULT '.length),
      );
      expect({
        enabledCalls: result.enabledCalls,
        spansEnded: result.spansEnded,
        spansExported: result.spansExported,
        spansDropped: result.spansDropped,
      }).toEqual({
        enabledCalls: 12,
        spansEnded: 12,
        spansExported: 12,
        spansDropped: 0,
      });
      expect(result.enabledMicros).toHaveLength(2);
      expect(result.disabledMicros).toHaveLength(2);
      if (id === 'otel-contrib') expect({ emitted: result.logsEmitted, dropped: result.logsDropped }).toEqual({ emitted: 36, dropped: 0 });
      if (id === 'llmp-store-on') expect({ records: result.storeRecords, verified: result.storeVerified }).toEqual({ records: { span: 12 }, verified: true });
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
