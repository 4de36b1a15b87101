/**
 * Apps that end with process.exit() or an uncaught exception skip `beforeExit`, and 'exit' handlers cannot
 * await: the register hook's 'exit' handler writes every ended span to the store synchronously (fsynced,
 * final signed checkpoint, lock removed). Spans not yet forwarded then reach the store only, not OTLP.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { plantedKeyCallAttributes, readStore, runApp, type AppRun } from '../harness/index.js';

function chatAttributes(run: AppRun, model: string, n: number, cost: number): Record<string, unknown> {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.response.id': `chatcmpl-emu-${n}`,
    'gen_ai.response.model': model,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.cost.amount': cost,
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
    'gen_ai.usage.input_tokens': 2,
    'gen_ai.usage.output_tokens': 3,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'openai.api.type': 'chat_completions',
    'openai.response.service_tier': 'default',
    'openai.response.system_fingerprint': 'fp_emu',
    'provenance.provider.request_id': `req_emu_${n}`,
    ...plantedKeyCallAttributes(run),
  };
}

/** The store holds exactly `expected` (name, attributes, payload blocks), closed, checkpointed and verified. */
async function expectClosedStore(run: AppRun, expected: { name: string; attributes: Record<string, unknown>; question: string }[]) {
  const { logs, blocks, checkpoints } = await readStore(run.storeDir!);
  expect(logs).toHaveLength(1);
  const [log] = logs;
  expect(log!.records.map((r) => r.name)).toEqual(expected.map((e) => e.name));
  log!.records.forEach((record, i) => {
    expect(record.seq).toBe(i);
    expect(record.prev).toEqual(i === 0 ? null : { '/': log!.cids[i - 1] });
    expect(record.attributes).toEqual(expected[i]!.attributes);
    // Payload blocks were written too (readStore checked every block's bytes against its CID).
    for (const link of [record.input, record.output, record.params]) expect(blocks.has(link['/'])).toBe(true);
    const input = JSON.parse(Buffer.from(blocks.get(record.input['/'])!).toString('utf8'));
    const messages = Buffer.from(blocks.get(input['gen_ai.input.messages']['/'])!).toString('utf8');
    expect(messages).toContain(expected[i]!.question);
  });
  // The final checkpoint covers every record, and the lock is gone: the log was closed, not abandoned.
  expect(checkpoints).toEqual([`${log!.logId}.${String(expected.length).padStart(12, '0')}.json`]);
  expect(readdirSync(path.join(run.storeDir!, 'logs'))).toEqual([`${log!.logId}.jsonl`]);
  const report = verifyStore(run.storeDir!);
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
  return log!;
}

const twoCalls = (run: AppRun) => [
  { name: 'chat gpt-4o-mini', attributes: chatAttributes(run, 'gpt-4o-mini', 1, 0.0000021), question: 'First question' },
  { name: 'chat gpt-4o', attributes: chatAttributes(run, 'gpt-4o', 2, 0.000035), question: 'Second question' },
];

describe('process.exit() right after the calls', () => {
  it.each(['cjs', 'esm'] as const)('stores both calls, checkpoints and removes the lock (%s)', async (module) => {
    const run = await runApp({ module, app: 'fixtures/openai-then-exit.cjs' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe('CALLED chatcmpl-emu-1\nCALLED chatcmpl-emu-2\n');
    await expectClosedStore(run, twoCalls(run));
    // Both spans were still buffered (5 s schedule delay) when the app exited: they are in the store only.
    expect(run.spans).toEqual([]);
  });

  it('keeps the exit code the app gave process.exit()', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-then-exit.cjs', env: { EXIT_CODE: '3' } });
    expect(run.exitCode).toBe(3);
    expect(run.signal).toBeNull();
    await expectClosedStore(run, twoCalls(run));
  });

  it('writes a batch already handed to the store exactly once', async () => {
    // Batches of one: each span goes to the store's write queue as it ends, so at exit the last one is
    // queued or being written asynchronously, and the exit handler takes it over.
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-then-exit.cjs', env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1' } });
    expect(run.exitCode).toBe(0);
    const log = await expectClosedStore(run, twoCalls(run));
    // What reached OTLP before the exit carries the store's CIDs, in order.
    expect(run.spans.map((span) => span.attributes['provenance.record.cid'])).toEqual(log.cids.slice(0, run.spans.length));
  });
});

describe('an uncaught exception after a call', () => {
  it('stores the call and still exits with code 1 and the original stack', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-then-exit.cjs', env: { EXIT_HOW: 'throw' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('CALLED chatcmpl-emu-1\n');
    expect(run.stderr).toMatch(/Error: the app failed after its call\n {4}at Immediate\.<anonymous> \(.*openai-then-exit\.cjs:15:13\)/);
    await expectClosedStore(run, twoCalls(run).slice(0, 1));
  });
});
