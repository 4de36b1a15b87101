/**
 * `report`, `consistency` and `lineage` over a format 2 store written from the span generator
 * (./verify-fixture.ts, spec(i)), and over its CAR export; expected figures come from spec(i), not from
 * the store. Then the built CLI's answers to bad input, and the bounded percentile accumulator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  buildConsistency,
  buildLineage,
  buildReport,
  CidSpanExporter,
  EXACT_LIMIT,
  exportCar,
  Quantiles,
  RELATIVE_ACCURACY,
  queryStore,
} from '@llm-provenance/cid-exporter';
import { BASE_MS, runCli, spec, tmpDir, writeSpans } from './verify-fixture.js';

const N = 120;
let store: string;
let car: string;

beforeAll(async () => {
  const dir = tmpDir('report');
  store = path.join(dir, 'store');
  await writeSpans(store, 0, N, { checkpointEvery: 50 });
  car = path.join(dir, 'store.car');
  exportCar(store, car);
}, 120_000);

const range = (keep: (i: number) => boolean): number[] => [...Array(N).keys()].filter(keep);

describe('report over the generated store', () => {
  it('counts calls, errors and input tokens per user and latency per group, as spec(i) says', () => {
    const report = buildReport(store, { by: ['user'] });
    expect(report.groups.map((g) => [g.user, g.calls, g.errors, g.input_tokens, g.latency_ms_p50, g.latency_ms_p99])).toEqual(
      [0, 1, 2, 3].map((u) => {
        const mine = range((i) => i % 4 === u);
        return [`user-${u}`, mine.length, mine.filter((i) => spec(i).error).length, mine.reduce((n, i) => n + 10 + (i % 13), 0), 250, 250];
      }),
    );
    expect(report.totals.calls).toBe(N);
  });

  it('reads a CAR export exactly as the store', () => {
    const by = ['provider', 'route', 'worker'] as const;
    expect(buildReport(car, { by: [...by] })).toEqual(buildReport(store, { by: [...by] }));
  });

  it('groups the seven repeated questions, each answered differently every time', () => {
    const c = buildConsistency(store);
    // errors are left out; spans with the same i % 7 asked the same question
    expect(c.groups.map((g) => [g.calls, g.distinct_outputs, g.input_text])).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((q) => {
        const asked = range((i) => i % 7 === q && !spec(i).error);
        return [asked.length, asked.length, `question ${q}`];
      }),
    );
    expect(c.summary).toEqual({ calls: range((i) => !spec(i).error).length, distinct_inputs: 7, repeated_inputs: 7, differing_inputs: 7 });
  });
});

describe('lineage through a payload one call produced and the next consumed', () => {
  const DRAFT = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Draft: the export button works again.' }] }]);

  it('leads from the first call down to the second, inside the agent span both ran in', async () => {
    const dir = path.join(tmpDir('lineage'), 'store');
    const exporter = new CidSpanExporter({ dir, checkpointIntervalMs: 0 });
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 5 })] });
    const tracer = provider.getTracer('lineage-test');
    const agent = tracer.startSpan('invoke_agent editor', { startTime: BASE_MS });
    const inAgent = trace.setSpan(context.active(), agent);
    const call = (name: string, at: number, attributes: Record<string, string>) =>
      tracer
        .startSpan(
          name,
          { kind: SpanKind.CLIENT, startTime: BASE_MS + at, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', ...attributes } },
          inAgent,
        )
        .end(BASE_MS + at + 100);
    call('chat draft', 10, {
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Write release notes' }] }]),
      'gen_ai.output.messages': DRAFT,
    });
    // the second call is given the first one's output messages as they are: the same bytes, the same CID
    call('chat review', 200, {
      'gen_ai.input.messages': DRAFT,
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Approved.' }] }]),
    });
    agent.end(BASE_MS + 400);
    await provider.shutdown();

    // newest first: the review, the draft, then the agent span that started before both
    const [review, draft, agentRecord] = queryStore(dir);
    expect([review!.name, draft!.name, agentRecord!.name]).toEqual(['chat review', 'chat draft', 'invoke_agent editor']);
    const lineage = buildLineage(dir, draft!.cid);
    const within = [{ record_cid: agentRecord!.cid, name: 'invoke_agent editor', operation: null }];
    expect(lineage.is).toEqual([{ record_cid: draft!.cid, role: 'record', attribute: 'record' }]);
    const messages = lineage.downstream.find((l) => 'attribute' in l && l.attribute === 'gen_ai.output.messages') as { cid: string; used_by: unknown[] };
    expect(messages.used_by).toEqual([
      expect.objectContaining({
        record_cid: review!.cid,
        name: 'chat review',
        within,
        outputs: [
          { attribute: 'output', cid: review!.outputCid, used_by: [] },
          { attribute: 'gen_ai.output.messages', cid: expect.stringMatching(/^bafkrei/), used_by: [] },
        ],
      }),
    ]);
    // and back up from the second call's input payload to the first call
    const up = buildLineage(dir, messages.cid);
    expect(up.upstream).toEqual([expect.objectContaining({ record_cid: draft!.cid, name: 'chat draft', within })]);
    expect(up.downstream).toEqual([expect.objectContaining({ record_cid: review!.cid })]);
  });
});

describe('the built CLI', () => {
  it('prints the JSON report the API builds', () => {
    const r = runCli(['report', store, '--by', 'task,model', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(buildReport(store, { by: ['task', 'model'] }));
  });

  it('traces a record CID to its input and output', () => {
    const [newest] = queryStore(store, { limit: 1 });
    const r = runCli(['lineage', newest!.cid, store, '--json']);
    expect(r.code).toBe(0);
    const l = JSON.parse(r.stdout) as {
      is: unknown;
      upstream: Array<{ attribute: string; cid: string }>;
      downstream: Array<{ attribute: string; cid: string }>;
    };
    expect(l.is).toEqual([{ record_cid: newest!.cid, role: 'record', attribute: 'record' }]);
    expect(l.upstream[0]).toMatchObject({ attribute: 'input', cid: newest!.inputCid });
    expect(l.downstream[0]).toMatchObject({ attribute: 'output', cid: newest!.outputCid, used_by: [] });
  });

  it.each<[string, string[], string]>([
    [
      'an unknown --by dimension',
      ['report', '@', '--by', 'user,team'],
      'llm-provenance report: --by: unknown dimension "team" (expected any of user, task, worker, route, provider, model, operation, service, day)',
    ],
    ['a dimension given twice', ['report', '@', '--by', 'user,user'], 'llm-provenance report: --by: dimension user is given twice'],
    [
      'a --since that is not a date',
      ['report', '@', '--since', 'yesterday'],
      'llm-provenance report: --since must be an ISO 8601 date or time such as 2026-12-01 or 2026-12-01T09:30:00Z, got "yesterday"',
    ],
    [
      'an impossible --until',
      ['consistency', '@', '--until', '2026-13-45'],
      'llm-provenance consistency: --until must be an ISO 8601 date or time such as 2026-12-01 or 2026-12-01T09:30:00Z, got "2026-13-45"',
    ],
    ['a store that does not exist', ['report', '@/missing'], 'llm-provenance report: @/missing does not exist (expected a store directory or a CAR export)'],
    [
      'a folder that is not a store',
      ['consistency', '@/..'],
      'llm-provenance consistency: @/.. is not an llm-provenance store (no logs/ or checkpoints/ directory) nor a CAR export',
    ],
    ['the same store twice', ['report', '@', '@'], 'llm-provenance report: @ is given twice (each store or CAR once: its calls would be counted twice)'],
    [
      'an unknown option',
      ['consistency', '@', '--diff'],
      'llm-provenance consistency: unknown option --diff (llm-provenance consistency --help lists the options)',
    ],
    ['lineage without a CID', ['lineage'], 'llm-provenance lineage: lineage needs the CID to trace (llm-provenance lineage CID [STORE_DIR | EXPORT.car])'],
    [
      'lineage of something that is not a CID',
      ['lineage', 'Qm123', '@'],
      'llm-provenance lineage: "Qm123" is not a CID (expected a base32 CIDv1 such as bagu... or bafk...)',
    ],
    [
      'a bad --depth',
      ['lineage', 'bafkreidjo2jliulh2asrgklal3uaxxhtvnoiwwsqamoobetzkzrhbn32au', '@', '--depth', 'deep'],
      'llm-provenance lineage: --depth must be a non-negative integer, got "deep"',
    ],
  ])('exits 2 and names the problem for %s', (_what, args, message) => {
    const r = runCli(args.map((a) => a.replace('@', store)));
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 2, stdout: '', stderr: message.replaceAll('@', store) + '\n' });
  });

  it('reports an empty store as no groups and zero totals', () => {
    const empty = path.join(tmpDir('report-empty'), 'store');
    fs.mkdirSync(path.join(empty, 'logs'), { recursive: true });
    const r = runCli(['report', empty, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      groups: [],
      totals: {
        calls: 0,
        errors: 0,
        input_tokens: 0,
        output_tokens: 0,
        cached_input_tokens: 0,
        reasoning_tokens: 0,
        unpriced_calls: 0,
        cost_usd: 0,
        latency_ms_p50: null,
        latency_ms_p95: null,
        latency_ms_p99: null,
        time_to_first_token_ms_p50: null,
        time_to_first_token_ms_p95: null,
        time_to_first_token_ms_p99: null,
      },
    });
  });
});

describe('Quantiles', () => {
  /** Nearest rank over the sorted values. */
  const exact = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1]!;

  it('is exact up to EXACT_LIMIT values', () => {
    const q = new Quantiles();
    const values = Array.from({ length: EXACT_LIMIT }, (_, i) => ((i * 7919) % 1000) + 0.5);
    values.forEach((v) => q.add(v));
    for (const p of [50, 95, 99, 100]) expect(q.percentile(p)).toBe(exact(values, p));
  });

  it('stays within the relative accuracy past it', () => {
    const q = new Quantiles();
    const values = Array.from({ length: 50_000 }, (_, i) => 1 + ((i * 104729) % 20000) / 7);
    values.forEach((v) => q.add(v));
    expect(q.count).toBe(values.length);
    for (const p of [50, 95, 99]) {
      const want = exact(values, p);
      expect(Math.abs(q.percentile(p)! - want) / want).toBeLessThanOrEqual(RELATIVE_ACCURACY);
    }
  });

  it('has no percentile before a value', () => {
    expect(new Quantiles().percentile(50)).toBeNull();
  });
});
