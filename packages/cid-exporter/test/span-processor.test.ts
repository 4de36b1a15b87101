import * as fs from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import * as dagJson from '@ipld/dag-json';
import { diag, DiagLogLevel, SpanKind } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { TracerProvider, InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { CidSpanExporter, CidSpanProcessor, ProvenanceStore, verifyStore, type AppendResult, type RecordInput } from '@llm-provenance/cid-exporter';
import { mfCid, readLines, tmpStoreDir } from './store-helpers.js';

/**
 * A store whose writes the test completes: every append is encoded and written as usual, but its
 * `durable` promise settles only when the test opens that append's gate (a disk as slow as the test likes).
 */
class GatedStore extends ProvenanceStore {
  readonly gates: (() => void)[] = [];
  private waiting: (() => void)[] = [];

  override append(inputs: Iterable<RecordInput>): AppendResult {
    const result = super.append(inputs);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    this.gates.push(open);
    for (const w of this.waiting.splice(0)) w();
    return { records: result.records, durable: result.durable.then(() => gate) };
  }

  /** Resolves once the store has had `n` appends. */
  async appends(n: number): Promise<void> {
    while (this.gates.length < n) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}

const warnings: string[] = [];
afterEach(() => {
  diag.disable();
  warnings.length = 0;
});
function captureWarnings() {
  diag.setLogger(
    { warn: (m: string) => warnings.push(m), error: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
}

/** An in-memory exporter that says when it has received a number of spans. */
class ForwardedSpans extends InMemorySpanExporter {
  private waiting: { count: number; resolve: () => void }[] = [];

  override export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    super.export(spans, resultCallback);
    const have = this.getFinishedSpans().length;
    this.waiting = this.waiting.filter((w) => (have >= w.count ? (w.resolve(), false) : true));
  }

  /** Resolves once `count` spans have been exported (the test's own timeout bounds a failing wait). */
  received(count: number): Promise<void> {
    if (this.getFinishedSpans().length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ count, resolve }));
  }
}

/** A full garbage collection, to count which spans are still referenced (V8's gc, made reachable here). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function setup(label: string, options: ConstructorParameters<typeof CidSpanProcessor>[1]) {
  const dir = tmpStoreDir(label);
  const forwarded = new ForwardedSpans();
  const exporter = new CidSpanExporter({ dir, forwardTo: [forwarded], durability: 'batch' });
  const processor = new CidSpanProcessor(exporter, options);
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('processor-test', '1.0.0');
  const endSpan = (name: string) =>
    tracer
      .startSpan(name, {
        kind: SpanKind.CLIENT,
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': `[{"role":"user","content":"${name}"}]` },
      })
      .end();
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

  it('shuts down store first: the store is closed and checkpointed while a forward target never answers, which gets only the rest of the budget', async () => {
    const errors: string[] = [];
    diag.setLogger(
      { warn: (m: string) => errors.push(m), error: (m: string) => errors.push(m), info: () => {}, debug: () => {}, verbose: () => {} },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    const dir = tmpStoreDir('proc-hang');
    // Takes every export and never calls back, like a collector that accepts connections and never answers.
    const silent: SpanExporter = { export: () => {}, shutdown: () => Promise.resolve() };
    const exporter = new CidSpanExporter({ dir, forwardTo: [silent], durability: 'batch' });
    const processor = new CidSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxExportBatchSize: 2, shutdownBudgetMillis: 300 });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('processor-test');
    for (const name of ['one', 'two', 'three']) tracer.startSpan(name).end();
    await processor.shutdown();
    expect(storedNames(dir, exporter.store.logId)).toEqual(['one', 'two', 'three']);
    expectClosed(dir, exporter.store.logId, 3);
    expect(errors).toEqual([
      'CidSpanExporter: forwarding to exporter #0 failed: 3 spans not delivered within the 300 ms shutdown budget; the provenance store is complete (all 3 spans stored)',
    ]);
    tracer.startSpan('after shutdown').end();
    expect(processor.bufferedCount).toBe(0);
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
    // A flush would write anything still held: there is nothing.
    await processor.forceFlush();
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
    await forwarded.received(2);
    expect(fs.readFileSync(path.join(dir, 'logs', `${logId}.jsonl`))).toEqual(bytesAtExit);
    expectClosed(dir, logId, 3);
    const lines = readLines(dir, logId);
    expect(forwarded.getFinishedSpans().map((s) => [s.name, s.attributes['provenance.log.seq']])).toEqual([
      ['one', 0],
      ['two', 1],
    ]);
    expect(lines).toHaveLength(3);
  });

  it('under a burst larger than the queue, holds at most maxQueueSize spans, drops and counts the rest, and stores the count as a dropped record', async () => {
    captureWarnings();
    const dir = tmpStoreDir('proc-burst');
    const store = GatedStore.open({ dir, checkpointIntervalMs: 0 }) as GatedStore;
    const forwarded = new InMemorySpanExporter();
    const exporter = new CidSpanExporter({ store, forwardTo: [forwarded] });
    const processor = new CidSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxQueueSize: 8, maxExportBatchSize: 4 });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('burst-test', '1.0.0');
    const before = BigInt(Date.now()) * 1_000_000n;
    // In a function of its own, so no variable of this (async) test keeps the last span alive.
    const { refs, held } = ((): { refs: WeakRef<object>[]; held: number[] } => {
      const refs: WeakRef<object>[] = [];
      const held: number[] = [];
      for (let i = 0; i < 20; i++) {
        const span = tracer.startSpan(`call ${i}`, {
          kind: SpanKind.CLIENT,
          attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': `[{"role":"user","content":"${i}"}]` },
        });
        refs.push(new WeakRef(span));
        span.end();
        held.push(processor.heldCount);
      }
      return { refs, held };
    })();
    // The first batch went to the store at once and its write is not done; four more wait here.
    expect(held).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]);
    expect([processor.bufferedCount, processor.droppedCount]).toEqual([4, 12]);
    expect(store.gates).toHaveLength(1);
    expect(warnings).toEqual(['CidSpanProcessor: queue full (8 spans held while the store writes), dropping spans; the count goes into the store']);
    // Nothing else refers to the spans: the 12 dropped ones are garbage, the 8 held ones are not.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(refs.map((r) => r.deref() !== undefined)).toEqual([...Array(8).fill(true), ...Array(12).fill(false)]);

    // The first write completes: the next batch carries the count of dropped spans.
    store.gates[0]!();
    await store.appends(2);
    expect(processor.droppedCount).toBe(0);
    // Until its forwarding completes too, the first batch still counts as held.
    expect(processor.heldCount).toBe(8);
    store.gates[1]!();
    await processor.forceFlush();
    expect(processor.heldCount).toBe(0);
    expect(forwarded.getFinishedSpans().map((s) => s.name)).toEqual(['call 0', 'call 1', 'call 2', 'call 3', 'call 4', 'call 5', 'call 6', 'call 7']);
    // New spans fit again.
    tracer.startSpan('after the burst').end();
    expect(warnings[1]).toBe('CidSpanProcessor: queue has room again after dropping 12 spans');
    expect(warnings).toHaveLength(2);
    const shutdown = processor.shutdown();
    await store.appends(3);
    store.gates[2]!();
    await shutdown;
    // The store was passed in, so the exporter leaves closing it to its owner.
    await store.close();
    const after = BigInt(Date.now()) * 1_000_000n;

    const logId = store.logId;
    const lines = readLines(dir, logId);
    const records = lines.map((l) => JSON.parse(l.toString('utf8')));
    expect(records.map((r) => (r.type === 'span' ? r.name : `${r.type} ${r.count}`))).toEqual([
      'call 0',
      'call 1',
      'call 2',
      'call 3',
      'dropped 12',
      'call 4',
      'call 5',
      'call 6',
      'call 7',
      'after the burst',
    ]);
    const dropped = lines[4]!.toString('utf8');
    const time = records[4].time as string;
    expect(dropped).toBe(
      `{"count":12,"log":"${logId}","prev":{"/":"${await mfCid(0x0129, lines[3]!)}"},"reason":"queue full","seq":4,"time":"${time}","type":"dropped","v":2}`,
    );
    expect(Buffer.from(dagJson.encode(dagJson.decode(lines[4]!))).equals(lines[4]!)).toBe(true);
    expect(BigInt(time) >= before && BigInt(time) <= after).toBe(true);
    expectClosed(dir, logId, 10);
  });

  it('when spans are forwarded, stores one batch at a time: the next starts only when the previous store write has completed', async () => {
    const dir = tmpStoreDir('proc-serial');
    const store = GatedStore.open({ dir, checkpointIntervalMs: 0 }) as GatedStore;
    const exporter = new CidSpanExporter({ store, forwardTo: [new InMemorySpanExporter()] });
    const processor = new CidSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxQueueSize: 100, maxExportBatchSize: 2 });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('serial-test');
    for (let i = 0; i < 7; i++) tracer.startSpan(`s${i}`).end();
    expect([store.gates.length, store.size, processor.bufferedCount, processor.heldCount]).toEqual([1, 2, 5, 7]);
    store.gates[0]!();
    await store.appends(2);
    expect([store.size, processor.bufferedCount]).toEqual([4, 3]);
    store.gates[1]!();
    await store.appends(3);
    // Two batches of two; the last span waits for its timer or a flush, as with the BatchSpanProcessor.
    expect([store.size, processor.bufferedCount]).toEqual([6, 1]);
    store.gates[2]!();
    const flushed = processor.forceFlush();
    await store.appends(4);
    store.gates[3]!();
    await flushed;
    expect([store.size, processor.heldCount, processor.droppedCount]).toEqual([7, 0, 0]);
    await processor.shutdown();
    await store.close();
    expectClosed(dir, store.logId, 7);
  });

  it('when nothing is forwarded, hands spans to the store every 64 even with a larger maxExportBatchSize', async () => {
    const dir = tmpStoreDir('proc-released-size');
    const store = GatedStore.open({ dir, checkpointIntervalMs: 0 }) as GatedStore;
    const exporter = new CidSpanExporter({ store });
    const processor = new CidSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxExportBatchSize: 512 });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('released-size-test');
    const sizes: number[] = [];
    for (let i = 0; i < 200; i++) {
      tracer.startSpan(`s${i}`).end();
      if (i === 62 || i === 63 || i === 127 || i === 191 || i === 199) sizes.push(store.size);
    }
    expect(sizes).toEqual([0, 64, 128, 192, 192]);
    expect([store.gates.length, processor.bufferedCount, processor.heldCount]).toEqual([3, 8, 200]);
    for (const open of store.gates) open();
    // The last 8 go on forceFlush, as a fourth append.
    const flushed = processor.forceFlush();
    await store.appends(4);
    store.gates[3]!();
    await flushed;
    expect([store.durableSize, processor.heldCount]).toEqual([200, 0]);
    await processor.shutdown();
    await store.close();
    expect(storedNames(dir, store.logId)).toEqual(Array.from({ length: 200 }, (_, i) => `s${i}`));
    expectClosed(dir, store.logId, 200);
  });

  it('when nothing is forwarded, encodes each full batch at once behind the write in flight, lets its spans go, and counts its records until written', async () => {
    const dir = tmpStoreDir('proc-pipelined');
    const store = GatedStore.open({ dir, checkpointIntervalMs: 0 }) as GatedStore;
    const exporter = new CidSpanExporter({ store });
    const processor = new CidSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxQueueSize: 6, maxExportBatchSize: 2 });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('pipelined-test');
    // In a function of its own, so no variable of this (async) test keeps the last span alive.
    const { refs, held } = ((): { refs: WeakRef<object>[]; held: number[] } => {
      const refs: WeakRef<object>[] = [];
      const held: number[] = [];
      for (let i = 0; i < 9; i++) {
        const span = tracer.startSpan(`p${i}`);
        refs.push(new WeakRef(span));
        span.end();
        held.push(processor.heldCount);
      }
      return { refs, held };
    })();
    // Three batches encoded and queued, none written: their records still count toward maxQueueSize.
    expect(held).toEqual([1, 2, 3, 4, 5, 6, 6, 6, 6]);
    expect([store.gates.length, store.size, processor.bufferedCount, processor.droppedCount]).toEqual([3, 6, 0, 3]);
    // Nothing refers to any span any more: the encoded ones were let go, the dropped ones never kept.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(refs.map((r) => r.deref() !== undefined)).toEqual(Array(9).fill(false));
    store.gates[0]!();
    store.gates[1]!();
    store.gates[2]!();
    await processor.forceFlush();
    expect([processor.heldCount, processor.droppedCount]).toEqual([0, 3]);
    // The next batch carries the count of dropped spans.
    tracer.startSpan('p9').end();
    const flushed = processor.forceFlush();
    await store.appends(4);
    store.gates[3]!();
    await flushed;
    expect([processor.heldCount, processor.droppedCount]).toEqual([0, 0]);
    await processor.shutdown();
    await store.close();
    const records = readLines(dir, store.logId).map((l) => JSON.parse(l.toString('utf8')));
    expect(records.map((r) => (r.type === 'span' ? r.name : `${r.type} ${r.count}`))).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'dropped 3', 'p9']);
    expectClosed(dir, store.logId, 8);
  });

  it('when nothing is forwarded, flushSync at exit writes every encoded batch whose write is still open, and the count of spans dropped', () => {
    const dir = tmpStoreDir('proc-pipelined-exit');
    const store = GatedStore.open({ dir, checkpointIntervalMs: 0 }) as GatedStore;
    const exporter = new CidSpanExporter({ store });
    const processor = new CidSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxQueueSize: 6, maxExportBatchSize: 3 });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('exit-test');
    for (let i = 0; i < 11; i++) tracer.startSpan(`e${i}`).end();
    expect([processor.heldCount, processor.bufferedCount, processor.droppedCount]).toEqual([6, 0, 5]);
    // Both batches are already in the store's queue; flushSync hands over the count and closes the store.
    expect(processor.flushSync()).toBe(0);
    const records = readLines(dir, store.logId).map((l) => JSON.parse(l.toString('utf8')));
    expect(records.map((r) => (r.type === 'span' ? r.name : `${r.type} ${r.count}`))).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'dropped 5']);
    expectClosed(dir, store.logId, 7);
  });

  it('when spans are forwarded, flushSync at exit stores every span it holds and the count of those it dropped, while a store write is still open', async () => {
    const dir = tmpStoreDir('proc-burst-exit');
    const store = GatedStore.open({ dir, checkpointIntervalMs: 0 }) as GatedStore;
    const exporter = new CidSpanExporter({ store, forwardTo: [new InMemorySpanExporter()] });
    const processor = new CidSpanProcessor(exporter, { scheduledDelayMillis: 60_000, maxQueueSize: 6, maxExportBatchSize: 3 });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('exit-test');
    for (let i = 0; i < 10; i++) tracer.startSpan(`e${i}`).end();
    expect([processor.heldCount, processor.droppedCount]).toEqual([6, 4]);
    // The first batch's write never completes before exit; flushSync appends the rest and closes the store.
    expect(processor.flushSync()).toBe(3);
    const logId = store.logId;
    const records = readLines(dir, logId).map((l) => JSON.parse(l.toString('utf8')));
    expect(records.map((r) => (r.type === 'span' ? r.name : `${r.type} ${r.count}`))).toEqual(['e0', 'e1', 'e2', 'dropped 4', 'e3', 'e4', 'e5']);
    expectClosed(dir, logId, 7);
  });

  it('reads OTEL_BSP_* and rejects bad options by name', () => {
    const dir = tmpStoreDir('proc-options');
    const exporter = new CidSpanExporter({ dir });
    expect(() => new CidSpanProcessor(exporter, { maxExportBatchSize: 0 })).toThrow('CidSpanProcessor: maxExportBatchSize must be a positive integer, got 0');
    expect(() => new CidSpanProcessor(exporter, { scheduledDelayMillis: 1.5 })).toThrow(
      'CidSpanProcessor: scheduledDelayMillis must be a positive integer, got 1.5',
    );
    exporter.store.closeSync();
  });
});
