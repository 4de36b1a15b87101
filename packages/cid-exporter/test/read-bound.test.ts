/**
 * report, consistency and query --limit hold groups, not records: each runs in a child process whose
 * JavaScript heap is capped (--max-old-space-size) below what the store's records take once decoded,
 * and gives the full answer; reading every record into memory (readStoreRecords) in the same cap fails.
 * No timing: the cap is the measure.
 */
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CidSpanExporter, queryStore } from '@llm-provenance/cid-exporter';
import { CLI, tmpDir } from './verify-fixture.js';

const RECORDS = 12_000;
const HEAP_MB = 16;
/** A 2 KiB attribute on every record: the decoded records need well over HEAP_MB. */
const NOTE = 'n'.repeat(2048);
let store: string;

function span(i: number) {
  const id = (i + 1).toString(16).padStart(16, '0');
  return {
    name: 'chat model-x',
    kind: 2,
    spanContext: () => ({ traceId: id.padStart(32, '0'), spanId: id, traceFlags: 1 }),
    parentSpanContext: undefined,
    startTime: [1764172112 + i, 0],
    endTime: [1764172112 + i, 5_000_000],
    status: { code: 0 },
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': `model-${i % 3}`,
      'enduser.id': `user-${i % 5}`,
      'gen_ai.usage.input_tokens': 10,
      'app.note': `${i} ${NOTE}`,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${i % 4}` }] }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `answer ${i % 4} ${i % 8 < 4 ? 'yes' : 'no'}` }] }]),
    },
    links: [],
    events: [],
    duration: [0, 5_000_000],
    ended: true,
    resource: { attributes: { 'service.name': 'bound' } },
    instrumentationScope: { name: 'bound-test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

const capped = (args: string[]) => spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });

beforeAll(async () => {
  store = path.join(tmpDir('bound'), 'store');
  const exporter = new CidSpanExporter({ dir: store, checkpointIntervalMs: 0 });
  for (let i = 0; i < RECORDS; i += 1000) {
    const r = await exporter.exportAsync(Array.from({ length: 1000 }, (_, k) => span(i + k)) as never);
    expect(r.code).toBe(0);
  }
  await exporter.shutdown();
}, 120_000);

describe(`reading a store of ${RECORDS} records of 2 KiB in a ${HEAP_MB} MB heap`, () => {
  it('cannot hold the records themselves', () => {
    const r = capped(['-e', `require(${JSON.stringify(path.join(path.dirname(CLI), '..'))}).readStoreRecords(${JSON.stringify(store)})`]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/heap out of memory/);
  });

  it('reports every call', () => {
    const r = capped([CLI, 'report', store, '--by', 'model', '--json', '--no-index']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const report = JSON.parse(r.stdout) as { groups: Array<{ model: string; calls: number; input_tokens: number }> };
    expect(report.groups.map((g) => [g.model, g.calls, g.input_tokens])).toEqual([
      ['model-0', 4000, 40000],
      ['model-1', 4000, 40000],
      ['model-2', 4000, 40000],
    ]);
  });

  it('finds the four questions answered two ways', () => {
    const r = capped([CLI, 'consistency', store, '--json', '--no-index']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const c = JSON.parse(r.stdout) as { groups: Array<{ calls: number; outputs: Array<{ count: number }> }>; summary: unknown };
    expect(c.groups.map((g) => [g.calls, g.outputs.map((o) => o.count)])).toEqual([0, 1, 2, 3].map(() => [3000, [1500, 1500]]));
    expect(c.summary).toEqual({ calls: RECORDS, distinct_inputs: 4, repeated_inputs: 4, differing_inputs: 4 });
  });

  it('queries the newest of all the records without holding every match', () => {
    const r = capped([CLI, 'query', store, '--limit', '3', '--json', '--no-index']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const views = JSON.parse(r.stdout) as Array<{ cids: { record: string } }>;
    expect(views.map((v) => v.cids.record)).toEqual(queryStore(store, { limit: 3 }, { index: 'off' }).map((q) => q.cid));
    expect(views).toHaveLength(3);
  });
});
