import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { CidSpanExporter, CidSpanProcessor, verifyStore } from '@llm-provenance/cid-exporter';
import { readLines, tmpStoreDir } from './store-helpers.js';

function setup(label: string, options: ConstructorParameters<typeof CidSpanProcessor>[1]) {
  const dir = tmpStoreDir(label);
  const forwarded = new InMemorySpanExporter();
  const exporter = new CidSpanExporter({ dir, forwardTo: [forwarded], durability: 'batch' });
  const processor = new CidSpanProcessor(exporter, options);
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('processor-test', '1.0.0');
  const endSpan = (name: string) => tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': `[{"role":"user","content":"${name}"}]` } }).end();
  return { dir, forwarded, exporter, processor, tracer, endSpan };
}

function storedNames(dir: string, logId: string): string[] {
  return readLines(dir, logId).map((line) => JSON.parse(line.toString('utf8')).name);
}

function expectClosed(dir: string, logId: string, size: number) {
  expect(fs.readdirSync(path.join(dir, 'logs'))).toEqual([`${logId}.jsonl`]);
  expect(fs.readdirSync(path.join(dir, 'checkpoints'))).toEqual([`${logId}.${String(size).padStart(12, '0')}.json`]);
  const report = verifyStore(dir);
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('CidSpanProcessor', () => {
  it('batches ended spans and exports them on forceFlush, forwarding the stored CIDs', async () => {
    const { dir, forwarded, exporter, processor, endSpan } = setup('proc-batch', { scheduledDelayMillis: 60_000 });
    endSpan('one');
    endSpan('two');
    expect(processor.bufferedCount).toBe(2);
    expect(readLines(dir, exporter.store.logId)).toEqual([]);
    await processor.forceFlush();
    expect(processor.bufferedCount).toBe(0);
    expect(storedNames(dir, exporter.store.logId)).toEqual(['one', 'two']);
    expect(forwarded.getFinishedSpans().map((s) => s.name)).toEqual(['one', 'two']);
    await processor.shutdown();
    expectClosed(dir, exporter.store.logId, 2);
  });

  it('exports a full batch at once, without waiting for the schedule', async () => {
    const { dir, exporter, processor, endSpan } = setup('proc-full', { scheduledDelayMillis: 60_000, maxExportBatchSize: 2 });
    endSpan('one');
    endSpan('two');
    endSpan('three');
    // The full batch was encoded and queued in the store synchronously; the third span waits for the timer.
    expect(exporter.store.size).toBe(2);
    expect(processor.bufferedCount).toBe(1);
    await processor.shutdown();
    expect(storedNames(dir, exporter.store.logId)).toEqual(['one', 'two', 'three']);
  });

  it('flushSync stores every ended span synchronously, checkpoints and removes the lock; an open span is not recorded', async () => {
    const { dir, forwarded, exporter, processor, tracer, endSpan } = setup('proc-sync', { scheduledDelayMillis: 60_000 });
    const open = tracer.startSpan('still running');
    endSpan('one');
    endSpan('two');
    expect(processor.flushSync()).toBe(2);
    // Checked before the event loop runs again: this is what the process leaves behind at exit.
    const logId = exporter.store.logId;
    expect(storedNames(dir, logId)).toEqual(['one', 'two']);
    expectClosed(dir, logId, 2);
    // Not forwarded: forwarding is asynchronous.
    expect(forwarded.getFinishedSpans()).toEqual([]);
    // Spans ending afterwards are ignored, and a second flushSync does nothing.
    open.end();
    endSpan('three');
    expect(processor.bufferedCount).toBe(0);
    expect(processor.flushSync()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(storedNames(dir, logId)).toEqual(['one', 'two']);
    expectClosed(dir, logId, 2);
  });

  it.each([0, 1, 2, 4])('writes a batch whose async store write is queued or in flight exactly once (after %i microtask turns)', async (turns) => {
    const { dir, forwarded, exporter, processor, endSpan } = setup(`proc-takeover-${turns}`, { scheduledDelayMillis: 60_000, maxExportBatchSize: 2 });
    endSpan('one');
    endSpan('two');
    // 0 turns: the first batch's store write is still queued; 1 or more: its async write has started
    // (its fs.write is in the thread pool), so flushSync takes over a write in flight.
    for (let i = 0; i < turns; i++) await Promise.resolve();
    endSpan('three');
    expect(processor.flushSync()).toBe(1);
    const logId = exporter.store.logId;
    const bytesAtExit = fs.readFileSync(path.join(dir, 'logs', `${logId}.jsonl`));
    expect(storedNames(dir, logId)).toEqual(['one', 'two', 'three']);
    expectClosed(dir, logId, 3);
    // Should the event loop run again, the taken-over async write changes nothing; the first batch is then
    // forwarded with the CIDs it was stored under.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fs.readFileSync(path.join(dir, 'logs', `${logId}.jsonl`))).toEqual(bytesAtExit);
    expectClosed(dir, logId, 3);
    const lines = readLines(dir, logId);
    expect(forwarded.getFinishedSpans().map((s) => [s.name, s.attributes['provenance.log.seq']])).toEqual([
      ['one', 0],
      ['two', 1],
    ]);
    expect(lines).toHaveLength(3);
  });

  it('reads OTEL_BSP_* and rejects bad options by name', () => {
    const dir = tmpStoreDir('proc-options');
    const exporter = new CidSpanExporter({ dir });
    expect(() => new CidSpanProcessor(exporter, { maxExportBatchSize: 0 })).toThrow('CidSpanProcessor: maxExportBatchSize must be a positive integer, got 0');
    expect(() => new CidSpanProcessor(exporter, { scheduledDelayMillis: 1.5 })).toThrow('CidSpanProcessor: scheduledDelayMillis must be a positive integer, got 1.5');
    exporter.store.closeSync();
  });
});
