/**
 * `exportCar` writes only the payload blocks the records reach (their links, and through the dag-json
 * blocks they link, those blocks' links): a block appended to a pack that no record reaches is left
 * out, even in a live (locked) log's pack, where verify only notes it. The CAR is read independently
 * with @ipld/car, and the reachable set is worked out independently with @ipld/dag-json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CarReader } from '@ipld/car';
import * as dagJson from '@ipld/dag-json';
import { CID as MfCID } from 'multiformats/cid';
import { context, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { CidSpanExporter, dagJsonCid, exportCar, rawCid, verifyCar, verifyStore } from '@llm-provenance/cid-exporter';
import { lines, packPath, packSections, tmpDir } from './verify-fixture.js';

const N = 12;
let dir: string;
let logId: string;
let provider: TracerProvider;

/** One CARv1 section: uvarint(length) || CID || bytes. */
function section(cid: Uint8Array, bytes: Uint8Array): Buffer {
  const len: number[] = [];
  for (let n = cid.length + bytes.length; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      len.push(n);
      break;
    }
    len.push((n % 128) | 0x80);
  }
  return Buffer.concat([Buffer.from(len), Buffer.from(cid), Buffer.from(bytes)]);
}

/** Every CID inside a decoded dag-json value, except a record's `prev` (a record, not a block). */
function linksOf(value: unknown, out: string[], top = true): string[] {
  if (value === null || typeof value !== 'object') return out;
  const cid = MfCID.asCID(value);
  if (cid) {
    out.push(cid.toString());
    return out;
  }
  if (Array.isArray(value)) for (const v of value) linksOf(v, out, false);
  else for (const [k, v] of Object.entries(value)) if (!(top && k === 'prev')) linksOf(v, out, false);
  return out;
}

beforeAll(async () => {
  dir = path.join(tmpDir('export-unreached'), 'store');
  const exporter = new CidSpanExporter({ dir, checkpointIntervalMs: 0 });
  provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 5 })] });
  const tracer = provider.getTracer('export-unreached', '1.0.0');
  logId = exporter.store.logId;
  for (let i = 0; i < N; i++) {
    const parent = trace.setSpanContext(context.active(), {
      traceId: (i + 1).toString(16).padStart(32, '0'),
      spanId: 'a1a2a3a4a5a6a7a8',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    const span = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${i % 3}` }] }]),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `answer ${i}` }] }]),
        },
      },
      parent,
    );
    span.end();
  }
  await provider.forceFlush();
}, 60_000);

afterAll(async () => {
  await provider.shutdown();
});

describe('exportCar leaves out blocks no record reaches', () => {
  it('a well-formed block (and a dag-json block with the raw block it links) appended to a live log’s pack is not exported; the CAR verifies and holds every block the records reach', async () => {
    // the writer is still open: its log is locked, so verify only notes blocks no record reaches
    expect(fs.existsSync(path.join(dir, 'logs', `${logId}.lock`))).toBe(true);
    expect(lines(dir, logId)).toHaveLength(N);
    const planted = Buffer.from('planted payload no record links');
    const child = Buffer.from('planted child of a planted dag-json block');
    const parent = Buffer.from(dagJson.encode({ 'gen_ai.input.messages': MfCID.decode(rawCid(child).bytes) }));
    fs.appendFileSync(
      packPath(dir, logId),
      Buffer.concat([section(rawCid(planted).bytes, planted), section(rawCid(child).bytes, child), section(dagJsonCid(parent).bytes, parent)]),
    );
    const plantedCids = [rawCid(planted).toString(), rawCid(child).toString(), dagJsonCid(parent).toString()];
    const storeReport = verifyStore(dir);
    expect(storeReport.failures).toEqual([]);
    expect(storeReport.notes.filter((n) => n.cid !== undefined).map((n) => n.cid)).toContain(plantedCids[0]);

    // what the records reach, worked out from the stored bytes with @ipld/dag-json
    const pack = fs.readFileSync(packPath(dir, logId));
    const packBlocks = new Map(packSections(pack).map((s) => [MfCID.decode(s.cidBytes).toString(), pack.subarray(s.dataOffset, s.end)]));
    const reached = new Set<string>();
    const todo = lines(dir, logId).flatMap((l) => linksOf(dagJson.decode(l), []));
    while (todo.length > 0) {
      const cid = todo.pop()!;
      if (reached.has(cid)) continue;
      reached.add(cid);
      expect(packBlocks.has(cid)).toBe(true);
      if (MfCID.parse(cid).code === 0x0129) todo.push(...linksOf(dagJson.decode(packBlocks.get(cid)!), [], false));
    }
    // a resource block, input and output blocks and the raw blocks they link
    expect(reached.size).toBeGreaterThan(N);
    expect(packBlocks.size).toBe(reached.size + plantedCids.length);

    const file = path.join(tmpDir('export-unreached-out'), 'store.car');
    const summary = exportCar(dir, file);
    const reader = await CarReader.fromBytes(fs.readFileSync(file));
    const inCar = new Set<string>();
    for await (const { cid } of reader.blocks()) inCar.add(cid.toString());
    for (const cid of plantedCids) expect(inCar.has(cid)).toBe(false);
    for (const cid of reached) expect(inCar.has(cid)).toBe(true);
    expect(summary.payloadBlocks).toBe(reached.size);
    expect(summary.unreached).toBe(plantedCids.length);
    expect(summary.skipped).toEqual([]);

    // the manifest's block pages list exactly the reached blocks
    const manifest = dagJson.decode<{ blocks: MfCID[] }>((await reader.get(MfCID.parse(summary.root)))!.bytes);
    const listed: string[] = [];
    for (const p of manifest.blocks) listed.push(...dagJson.decode<{ blocks: MfCID[] }>((await reader.get(p))!.bytes).blocks.map(String));
    expect(new Set(listed)).toEqual(reached);
    expect(listed).toHaveLength(reached.size);

    const report = verifyCar(file);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.logs.map((l) => [l.log, l.records])).toEqual([[logId, N]]);
  });
});
