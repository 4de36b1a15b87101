/**
 * A traced process killed without warning (SIGKILL: no exit hook can run) keeps what it had already
 * exported, and the next process that opens the same store recovers its log: claims it and, since only the
 * dead writer could have signed its records, records them as unverified (an `unverified` record pinning
 * them) instead of signing them; everything verifies.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { readStore, runApp } from '../harness/index.js';

describe('a process killed with SIGKILL', () => {
  it('keeps its exported records, and the next process recovers its log and records its unsigned records as unverified', async () => {
    const killed = await runApp({
      module: 'cjs',
      app: 'fixtures/openai-then-linger.cjs',
      // Export soon after the span's end; the kill comes once OTLP has the span, i.e. once its record is
      // durable in the store (the store forwards a span only after writing its record).
      env: { OTEL_BSP_SCHEDULE_DELAY: '50' },
      signal: { send: 'SIGKILL', whenStdout: 'CALLED', whenSpansReceived: 1 },
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
    const storeDir = killed.storeDir!;
    const before = await readStore(storeDir);
    const crashedLog = before.logs[0]!.logId;
    expect(before.logs[0]!.cids).toEqual([killed.spans[0]!.attributes['provenance.record.cid']]);
    // Nothing closed the log: its lock is still there and no checkpoint was written.
    expect(readdirSync(path.join(storeDir, 'logs')).sort()).toEqual([`${crashedLog}.jsonl`, `${crashedLog}.lock`]);
    expect(before.checkpoints).toEqual([]);

    const next = await runApp({ module: 'esm', app: 'fixtures/openai-chat.mjs', storeDir });
    expect(next.stderr).toBe('');
    expect(next.exitCode).toBe(0);
    const after = await readStore(storeDir);
    // the next log: a witness record naming the crashed log (FORMAT.md 3.6), the unverified record, the span
    expect(after.logs.map((log) => [log.logId, log.records.length])).toEqual([
      [crashedLog, 1],
      [next.spans[0]!.attributes['provenance.log.id'], 3],
    ]);
    expect(after.logs[0]!.lines).toEqual(before.logs[0]!.lines);
    expect(readdirSync(path.join(storeDir, 'logs'))).toContain(`${crashedLog}.recovered`);
    expect(after.checkpoints.filter((c) => c.startsWith(crashedLog))).toEqual([]);
    const report = verifyStore(storeDir);
    expect(report.failures).toEqual([]);
    expect(report.logs.map((log) => [log.log, log.records, log.signedSize])).toEqual([
      [crashedLog, 1, 0],
      [after.logs[1]!.logId, 3, 3],
    ]);
    expect(report.notes.find((n) => n.detail.startsWith('recorded unverified tail'))).toMatchObject({ log: after.logs[1]!.logId, seq: 1 });
  });
});
