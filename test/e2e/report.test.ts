/**
 * `llm-provenance report`, `consistency` and `lineage` over a store an unmodified app wrote through the
 * real openai and @anthropic-ai/sdk SDKs against the emulator (fixtures/report-calls.mjs): three users,
 * four tasks, two workers, three models, a refused call, a prompt-cache hit, a streamed call, and one
 * question answered two ways. The expected figures are the scripted facts (calls, errors, cached tokens,
 * answers) and, for tokens, cost and latency, sums the test computes itself from the spans the same run
 * exported over OTLP: a second channel, not the store the commands read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as dagJson from '@ipld/dag-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCar, runCli } from '@llm-provenance/cid-exporter';
import { cidOf, DAG_JSON, RAW, runApp, testTempDir, userMessages, type AppRun, type OtlpSpan } from '../harness/index.js';

const QUESTION = 'In which year did the Berlin Wall fall? Answer with the year only.';
const CACHED = 12;

let run: AppRun;
let store: string;

/** Runs the CLI in-process; resolves to its exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => void out.push(l), err: (l) => void err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
async function json<T>(...args: string[]): Promise<T> {
  const r = await cli(...args, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as T;
}

// one app run serves every test of the file, so its store is made here rather than per test
beforeAll(async () => {
  store = mkdtempSync(path.join(tmpdir(), 'llm-provenance-report-'));
  run = await runApp({
    storeDir: store,
    module: 'esm',
    app: 'fixtures/report-calls.mjs',
    env: { OTEL_SERVICE_NAME: 'report-app' },
    scenarios: [
      { kind: 'text', text: '1989' },
      { kind: 'text', text: '1991' },
      { kind: 'cache', read: CACHED },
      { kind: 'error', status: 400, message: 'refused by the test' },
    ],
  });
}, 60_000);
afterAll(() => rmSync(store, { recursive: true, force: true }));

const attr = (s: OtlpSpan, k: string): unknown => s.attributes[k];
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const ms = (s: OtlpSpan): number => Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6;
/** Nearest-rank percentile, the definition the report documents. */
const pct = (values: number[], p: number): number | null =>
  values.length === 0 ? null : [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil((p / 100) * values.length)) - 1]!;
const model = (s: OtlpSpan) => (attr(s, 'gen_ai.response.model') ?? attr(s, 'gen_ai.request.model')) as string;

/** The figures of `spans` computed here, in stored (= export) order for the sums. */
function figures(spans: OtlpSpan[]) {
  const latencies = spans.map(ms);
  const ttfts = spans
    .filter((s) => typeof attr(s, 'gen_ai.response.time_to_first_chunk') === 'number')
    .map((s) => num(attr(s, 'gen_ai.response.time_to_first_chunk')) * 1000);
  return {
    calls: spans.length,
    errors: spans.filter((s) => s.status.code === 2).length,
    input_tokens: spans.reduce((n, s) => n + num(attr(s, 'gen_ai.usage.input_tokens')), 0),
    output_tokens: spans.reduce((n, s) => n + num(attr(s, 'gen_ai.usage.output_tokens')), 0),
    cached_input_tokens: spans.reduce((n, s) => n + num(attr(s, 'gen_ai.usage.cache_read.input_tokens')), 0),
    reasoning_tokens: spans.reduce((n, s) => n + num(attr(s, 'gen_ai.usage.reasoning.output_tokens')), 0),
    unpriced_calls: spans.filter((s) => typeof attr(s, 'gen_ai.usage.cost.amount') !== 'number').length,
    cost_usd: spans.reduce((n, s) => n + num(attr(s, 'gen_ai.usage.cost.amount')), 0),
    latency_ms_p50: pct(latencies, 50),
    latency_ms_p95: pct(latencies, 95),
    latency_ms_p99: pct(latencies, 99),
    time_to_first_token_ms_p50: pct(ttfts, 50),
    time_to_first_token_ms_p95: pct(ttfts, 95),
    time_to_first_token_ms_p99: pct(ttfts, 99),
  };
}

/** OTLP spans in the order the store holds their records (provenance.log.seq, one log). */
const spans = () => [...run.spans].sort((a, b) => num(attr(a, 'provenance.log.seq')) - num(attr(b, 'provenance.log.seq')));
const of = (user: string | undefined, m?: string) => spans().filter((s) => attr(s, 'enduser.id') === user && (m === undefined || model(s) === m));

describe('the app behind the reports', () => {
  it('made seven calls; the refused one failed, and the store holds one record per call', () => {
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe('refused with 400\n');
    expect(run.spans).toHaveLength(7);
    expect(run.spans.map((s) => attr(s, 'provenance.record.cid'))).toEqual(expect.arrayContaining([expect.stringMatching(/^bagu/)]));
  });
});

describe('llm-provenance report --json', () => {
  it('gives every figure per user, task, worker and model, and the totals', async () => {
    const report = await json<{ groups: Array<Record<string, unknown>>; totals: Record<string, unknown> }>('report', store, '--by', 'user,task,worker,model');
    const sonnet = 'claude-sonnet-4-20250514';
    const haiku = 'claude-3-5-haiku-20241022';
    expect(report).toEqual({
      groups: [
        { user: 'alice', task: 'fact-check', worker: 'worker-1', model: 'gpt-4o-mini', ...figures(of('alice')) },
        { user: 'bob', task: 'release-notes', worker: 'worker-2', model: sonnet, ...figures(of('bob', sonnet)) },
        { user: 'bob', task: 'release-notes', worker: 'worker-2', model: 'gpt-4o-mini', ...figures(of('bob', 'gpt-4o-mini')) },
        { user: 'carol', task: 'translate', worker: 'worker-1', model: haiku, ...figures(of('carol', haiku)) },
        { user: 'carol', task: 'translate', worker: 'worker-1', model: 'gpt-4o-mini', ...figures(of('carol', 'gpt-4o-mini')) },
        { user: null, task: null, worker: null, model: 'gpt-4o-mini', ...figures(of(undefined)) },
      ],
      totals: figures(spans()),
    });
    // the scripted facts, stated outright
    expect(report.groups.map((g) => [g.calls, g.errors, g.cached_input_tokens])).toEqual([
      [2, 0, 0],
      [1, 0, CACHED],
      [1, 1, 0],
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
    // the refused call has no usage and no cost; every other call was priced from the price table
    expect(report.groups[2]).toMatchObject({ input_tokens: 0, output_tokens: 0, unpriced_calls: 1, cost_usd: 0 });
    expect(report.totals).toMatchObject({ calls: 7, errors: 1, unpriced_calls: 1, cached_input_tokens: CACHED });
    expect(report.totals.cost_usd).toBeGreaterThan(0);
    // only the streamed call has a time to first token
    expect(report.groups.map((g) => g.time_to_first_token_ms_p50 !== null)).toEqual([false, false, false, false, true, false]);
  });

  it('groups by service, route, provider and day, and filters by user, task, model, provider and time', async () => {
    const day = new Date(Number(spans()[0]!.startTimeUnixNano / 1_000_000n)).toISOString().slice(0, 10);
    const byService = await json<{ groups: Array<Record<string, unknown>> }>('report', store, '--by', 'service,day,provider,route');
    expect(byService.groups.map((g) => [g.service, g.day, g.provider, g.route, g.calls])).toEqual([
      ['report-app', day, 'anthropic', 'primary', 1],
      ['report-app', day, 'anthropic', null, 1],
      ['report-app', day, 'openai', 'primary', 1],
      ['report-app', day, 'openai', null, 4],
    ]);
    const bob = await json<{ totals: unknown }>('report', store, '--user', 'bob', '--task', 'release-notes');
    expect(bob.totals).toEqual(figures(of('bob')));
    const anthropic = await json<{ totals: unknown }>('report', store, '--provider', 'anthropic', '--model', 'claude-3-5-haiku-20241022');
    expect(anthropic.totals).toEqual(figures(of('carol', 'claude-3-5-haiku-20241022')));
    // --until is exclusive: the first call's own start excludes it, and --since includes it
    const first = spans()[0]!;
    const startIso = (ns: bigint) =>
      `${new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
    const secondOn = await json<{ totals: { calls: number } }>('report', store, '--since', startIso(first.startTimeUnixNano + 1n));
    expect(secondOn.totals.calls).toBe(6);
    const onlyFirst = await json<{ totals: { calls: number } }>('report', store, '--until', startIso(first.startTimeUnixNano + 1n));
    expect(onlyFirst.totals).toEqual(figures([first]));
  });

  it('says the same about a CAR export of the store, and prints a table by default', async () => {
    const dir = testTempDir('report-car-');
    const car = path.join(dir, 'store.car');
    try {
      exportCar(store, car);
      expect(await json('report', car, '--by', 'user,model')).toEqual(await json('report', store, '--by', 'user,model'));
      const table = await cli('report', store, '--by', 'user');
      expect(table.code).toBe(0);
      const lines = table.out.split('\n');
      expect(lines[0]).toMatch(/^user +calls +errors +tokens in +tokens out +cached in +reasoning +cost USD +p50 +p95 +p99 +ttft p50$/);
      expect(lines.map((l) => l.split(/ +/).slice(0, 3))).toEqual([
        ['user', 'calls', 'errors'],
        ['alice', '2', '0'],
        ['bob', '2', '1'],
        ['carol', '2', '0'],
        ['-', '1', '0'],
        ['total', '7', '1'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('llm-provenance consistency --json', () => {
  it('finds exactly the question answered two ways, with both outputs, their texts and the diff', async () => {
    const [first, second] = of('alice');
    const report = await json('consistency', store);
    expect(report).toEqual({
      groups: [
        {
          input_cid: attr(first!, 'provenance.input.cid'),
          calls: 2,
          distinct_outputs: 2,
          outputs: [
            {
              output_cid: attr(first!, 'provenance.output.cid'),
              count: 1,
              models: ['gpt-4o-mini'],
              first: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
              last: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
              text: '1989',
            },
            {
              output_cid: attr(second!, 'provenance.output.cid'),
              count: 1,
              models: ['gpt-4o-mini'],
              first: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
              last: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
              text: '1991',
              diff: { removed: '1989', added: '1991' },
            },
          ],
          models: ['gpt-4o-mini'],
          first: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          last: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          input_text: QUESTION,
          params: [
            {
              params_cid: await cidOf(dagJson.encode({ 'gen_ai.request.model': 'gpt-4o-mini' }), DAG_JSON),
              temperature: null,
              seed: null,
              top_p: null,
              calls: 2,
            },
          ],
          sampling_may_vary: true,
        },
      ],
      // the refused call is left out: six calls, each input but one asked once
      summary: { calls: 6, distinct_inputs: 5, repeated_inputs: 1, differing_inputs: 1 },
    });
  });
});

describe('llm-provenance lineage --json', () => {
  it('traces alice’s first answer back to the call that produced it, its prompt and parameters', async () => {
    const [first] = of('alice');
    const output = attr(first!, 'provenance.output.cid') as string;
    const record = attr(first!, 'provenance.record.cid') as string;
    const input = attr(first!, 'provenance.input.cid') as string;
    const messages = await cidOf(Buffer.from(userMessages(QUESTION)), RAW);
    const lineage = await json('lineage', output, store);
    expect(lineage).toEqual({
      cid: output,
      is: [{ record_cid: record, role: 'output', attribute: 'output' }],
      upstream: [
        {
          record_cid: record,
          name: 'chat gpt-4o-mini',
          operation: 'chat',
          provider: 'openai',
          model: 'gpt-4o-mini',
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          status: 'ok',
          trace_id: first!.traceId,
          span_id: first!.spanId,
          s3: null,
          within: [],
          inputs: [
            { attribute: 'input', cid: input, produced_by: [] },
            { attribute: 'gen_ai.input.messages', cid: messages, produced_by: [] },
          ],
          params: await cidOf(dagJson.encode({ 'gen_ai.request.model': 'gpt-4o-mini' }), DAG_JSON),
        },
      ],
      downstream: [],
    });
    // the prompt leads down to both of alice's calls and their outputs
    const down = await json<{ downstream: Array<{ record_cid: string; outputs: Array<{ attribute: string; cid: string }> }> }>('lineage', input, store);
    expect(down.downstream.map((n) => [n.record_cid, n.outputs[0]])).toEqual(
      of('alice').map((s) => [attr(s, 'provenance.record.cid'), { attribute: 'output', cid: attr(s, 'provenance.output.cid'), used_by: [] }]),
    );
  });
});
