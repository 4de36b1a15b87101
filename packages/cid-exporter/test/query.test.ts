/**
 * queryStore / `query` over two logs of a format 2 store (./verify-fixture.ts) and over its CAR export.
 * Expected answers are computed from the span generator (spec(i)), not from the store.
 */
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as dagJson from '@ipld/dag-json';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { exportCar, ProvenanceStore, query, queryStore, type QueryFilter, type QueryResult } from '@llm-provenance/cid-exporter';
import { SpecLogWriter } from './verify-fixture-writer.mjs';
import { BASE_MS, copyStore, lines, resourceOf, runCli, spec, tmpDir, writeLines, writeSpans } from './verify-fixture.js';
import { exportJaegerJson } from '@llm-provenance/cid-exporter';

const N = 300;
const SPLIT = 180; // spans 0..179 in the first log, 180..299 in the second
let store: string;
let logs: [string, string];

beforeAll(async () => {
  store = path.join(tmpDir('query'), 'store');
  const a = await writeSpans(store, 0, SPLIT, { checkpointEvery: 100 });
  const b = await writeSpans(store, SPLIT, N, { checkpointEvery: 100 });
  logs = [a, b];
}, 120_000);

/** The resource attributes every span of the fixture carries, read from the resource block itself. */
const RESOURCE_ATTRIBUTES = (): Record<string, unknown> => resourceOf(store, logs[1], dagJson.decode<{ resource: unknown }>(lines(store, logs[1])[1]!));

/** Span indices selected by `keep`, newest first (span i starts at BASE + i s). */
function expected(keep: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = N - 1; i >= 0; i--) if (keep(i)) out.push(i);
  return out;
}

/** Which span a result is: log + seq back to i (the second log's seq 0 is its witness record, FORMAT.md 3.6). */
const spanIndex = (r: QueryResult): number => (r.log === logs[0] ? r.seq : SPLIT + r.seq - 1);
const run = (filter: QueryFilter): number[] => queryStore(store, filter).map(spanIndex);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('queryStore', () => {
  it('returns every span record, newest first, with its CIDs and location', async () => {
    const all = queryStore(store);
    expect(all.map(spanIndex)).toEqual(expected(() => true));
    const r = all.find((x) => spanIndex(x) === 200)!;
    const line = lines(store, logs[1])[21]!;
    const record = dagJson.decode<any>(line);
    expect({ ...r, record: undefined }).toEqual({
      log: logs[1],
      seq: 21,
      cid: MfCID.create(1, 0x0129, await sha256.digest(line)).toString(),
      file: `logs/${logs[1]}.jsonl`,
      line: 22,
      time: '2026-01-01T00:03:20.000000000Z',
      start: String((BASE_MS + 200_000) * 1e6),
      end: String((BASE_MS + 200_250) * 1e6),
      traceId: spec(200).traceId,
      spanId: record.spanId,
      name: 'embeddings llama3.1',
      model: 'llama3.1',
      provider: 'ollama',
      operation: 'embeddings',
      status: 'ok',
      statusMessage: null,
      inputCid: record.input.toString(),
      outputCid: record.output.toString(),
      resource: RESOURCE_ATTRIBUTES(),
      record: undefined,
    });
  });

  it.each<[string, QueryFilter, (i: number) => boolean]>([
    ['model', { model: 'claude-3-5-haiku' }, (i) => spec(i).model === 'claude-3-5-haiku'],
    ['provider', { provider: 'ollama' }, (i) => spec(i).provider === 'ollama'],
    ['operation', { operation: 'embeddings' }, (i) => spec(i).operation === 'embeddings'],
    ['user', { user: 'user-3' }, (i) => spec(i).user === 'user-3'],
    ['task', { task: 'task-5' }, (i) => spec(i).task === 'task-5'],
    ['worker', { worker: 'worker-1' }, (i) => spec(i).worker === 'worker-1'],
    ['route', { route: 'fallback' }, (i) => spec(i).route === 'fallback'],
    ['trace id', { traceId: spec(61).traceId }, (i) => Math.floor(i / 3) === 20],
    ['status error', { status: 'error' }, (i) => spec(i).error],
    ['status ok', { status: 'ok' }, (i) => !spec(i).error],
    ['since (inclusive)', { since: iso(BASE_MS + 250_000) }, (i) => i >= 250],
    ['until (exclusive)', { until: iso(BASE_MS + 10_000) }, (i) => i < 10],
    ['since + until with nanoseconds', { since: '2026-01-01T00:02:59.999999999Z', until: '2026-01-01T00:03:03.000000001Z' }, (i) => i >= 180 && i <= 183],
    [
      'combined filters',
      { model: 'gpt-4o-mini', user: 'user-1', status: 'ok' },
      (i) => spec(i).model === 'gpt-4o-mini' && spec(i).user === 'user-1' && !spec(i).error,
    ],
    ['limit', { provider: 'openai', limit: 4 }, (i) => spec(i).provider === 'openai' && i >= 288],
    ['no match', { model: 'gpt-5', provider: 'openai' }, () => false],
  ])('filters by %s', (_name, filter, keep) => {
    expect(run(filter)).toEqual(expected(keep));
  });

  it('filters by input CID: the input block or any payload block it links (same input, different outputs)', () => {
    const r = queryStore(store).find((x) => spanIndex(x) === 8)!;
    // spans with the same i % 7 sent the same messages: same input block, different outputs
    expect(run({ inputCid: r.inputCid! })).toEqual(expected((i) => i % 7 === 1));
    const messages = queryStore(store, { inputCid: r.inputCid! }).map((x) => x.outputCid);
    expect(new Set(messages).size).toBe(messages.length);
  });

  it('filters by output CID', () => {
    const r = queryStore(store).find((x) => spanIndex(x) === 123)!;
    expect(run({ outputCid: r.outputCid! })).toEqual([123]);
  });

  it('reads a store another writer has open', async () => {
    const open = ProvenanceStore.open({ dir: store, checkpointIntervalMs: 0 });
    try {
      const filter: QueryFilter = { task: 'task-1', route: 'fallback' };
      expect(queryStore(open.dir, filter).map(spanIndex)).toEqual(expected((i) => i % 6 === 1 && i % 7 === 0));
    } finally {
      await open.close();
    }
  });

  it('rejects bad filters with an error naming the problem', () => {
    expect(() => queryStore(store, { since: 'yesterday' })).toThrow('since: "yesterday" is not an ISO 8601 time');
    expect(() => queryStore(store, { status: 'failed' as 'ok' })).toThrow('status: "failed" is neither "ok" nor "error"');
    expect(() => queryStore(store, { traceId: 'abc' })).toThrow('traceId: "abc" is not 32 hex digits');
    expect(() => queryStore(path.join(store, 'nope'))).toThrow(`${path.join(store, 'nope')} does not exist (expected a store directory or a .car file)`);
  });
});

describe('query and viewer export on a span record with malformed fields', () => {
  const cases: Array<[string, (r: any) => void, string]> = [
    ['start is not a nanosecond string', (r) => (r.start = 'soon'), 'start is "soon", not a decimal nanosecond string'],
    ['status is missing', (r) => delete r.status, 'status is not a map with a string code'],
    ['an event has no time', (r) => (r.events = [{ name: 'e', attributes: {} }]), 'events.0 is not a map with a string name and a decimal nanosecond time'],
  ];
  for (const [what, edit, problem] of cases) {
    it(`names file and line instead of crashing when ${what}`, () => {
      const dir = copyStore(store, 'query-malformed');
      const ls = lines(dir, logs[1]);
      const r = dagJson.decode<any>(ls[7]!);
      edit(r);
      ls[7] = Buffer.from(dagJson.encode(r));
      writeLines(dir, logs[1], ls);
      const message = `logs/${logs[1]}.jsonl:8: span record cannot be read: ${problem}; run llm-provenance verify ${dir}`;
      expect(() => queryStore(dir, { model: 'gpt-4o-mini' })).toThrow(message);
      expect(() => exportJaegerJson(dir, path.join(dir, '..', 'out.json'))).toThrow(message);
      const q = runCli(['query', dir]);
      expect([q.code, q.stdout, q.stderr]).toEqual([2, '', `llm-provenance query: ${message}\n`]);
      const e = runCli(['export', dir, '--otlp-jsonl', path.join(dir, '..', 'out.jsonl')]);
      expect([e.code, e.stdout, e.stderr]).toEqual([2, '', `llm-provenance export: ${message}\n`]);
    });
  }
});

describe('query over a CAR export', () => {
  it('reads a CAR export like the store it came from', () => {
    const car = path.join(tmpDir('query-car'), 'store.car');
    exportCar(store, car);
    const where = ({ file, line, section, ...rest }: QueryResult): Omit<QueryResult, 'file' | 'line' | 'section'> => rest;
    for (const filter of [{}, { model: 'llama3.1', status: 'error' as const }, { inputCid: queryStore(store)[5]!.inputCid! }]) {
      expect(queryStore(car, filter).map(where)).toEqual(queryStore(store, filter).map(where));
    }
    const r = queryStore(car, { limit: 1 })[0]!;
    expect(r.file).toBe(car);
    expect(r.section).toBeGreaterThan(0);
    const cli = runCli(['query', car, '--provider', 'openai', '--limit', '3']);
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    expect(cli.stdout).toBe(runCli(['query', store, '--provider', 'openai', '--limit', '3']).stdout);
  });
});

describe('query and dropped spans', () => {
  it('skips dropped records for span filters and names the drops per log on stderr', () => {
    const dir = path.join(tmpDir('query-dropped'), 'store');
    const w = new SpecLogWriter(dir, { checkpointEvery: 0, resource: { 'service.name': 'svc' } });
    w.appendSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat m', start: '1000', end: '2000', attributes: { 'gen_ai.request.model': 'm' } });
    w.appendDropped(12, 'export queue full');
    w.close();
    const outcome = query(dir, { model: 'm' });
    expect(outcome.results.map((r) => [r.seq, r.resource])).toEqual([[0, { 'service.name': 'svc' }]]);
    expect(outcome.dropped).toEqual([{ log: w.logId, spans: 12, records: 1 }]);
    const cli = runCli(['query', dir]);
    expect(cli.code).toBe(0);
    expect(cli.stdout.split('\n').slice(-4)).toEqual([`  log         ${w.logId} seq 0`, '', '1 record matches', '']);
    expect(cli.stderr).toBe(
      `note: log ${w.logId} recorded 12 span(s) dropped by the exporter under back-pressure (1 dropped record(s)); they have no records to match\n`,
    );
  });

  it('reports a record of another format version as an input error naming the version', () => {
    const dir = copyStore(store, 'query-v1');
    const ls = lines(dir, logs[0]);
    ls[3] = Buffer.from(ls[3]!.toString().replace(/"v":2}$/, '"v":1}'));
    writeLines(dir, logs[0], ls);
    const message = `logs/${logs[0]}.jsonl:4: record format version 1 is not supported (this version of llm-provenance reads format version 2)`;
    expect(() => queryStore(dir)).toThrow(message);
    const q = runCli(['query', dir]);
    expect([q.code, q.stdout, q.stderr]).toEqual([2, '', `llm-provenance query: ${message}\n`]);
  });
});
