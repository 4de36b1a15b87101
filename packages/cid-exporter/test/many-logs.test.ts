/**
 * report, consistency and query over several stores written by separate processes (one per machine, say):
 * two real child processes record GenAI calls through the OpenTelemetry SDK into their own stores
 * (fixtures/calls-child.cjs), with times interleaved between them. The answers merge every log by span
 * start, then trace id, whatever order the stores are given in.
 */
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConsistency, buildReport, queryStore } from '@llm-provenance/cid-exporter';
import { BASE_MS, runCli, tmpDir } from './verify-fixture.js';

interface Call {
  at: number;
  ms: number;
  user: string;
  model: string;
  input: string;
  output: string;
  traceId: string;
}

const CHILD = path.join(__dirname, 'fixtures', 'calls-child.cjs');
const trace = (n: number): string => n.toString(16).padStart(32, '0');
const call = (second: number, t: number, user: string, input: string, output: string): Call => ({
  at: BASE_MS + second * 1000,
  ms: 100 * (t + 1),
  user,
  model: user === 'alice' ? 'model-a' : 'model-b',
  input,
  output,
  traceId: trace(t),
});

// alice's process and bob's: their calls alternate in time; at second 3 both start a call (trace 3 < trace 5)
const ALICE = [
  call(2, 2, 'alice', 'late', 'late from a'),
  call(3, 5, 'alice', 'tie-a', 'tie from a'),
  call(4, 4, 'alice', 'early', 'early from a'),
  call(5, 6, 'alice', 'late', 'late again from a'),
  call(6, 7, 'alice', 'tie-a', 'tie again from a'),
];
const BOB = [call(1, 1, 'bob', 'early', 'early from b'), call(3, 3, 'bob', 'tie-b', 'tie from b'), call(7, 8, 'bob', 'tie-b', 'tie again from b')];

let alice: string;
let bob: string;

function record(dir: string, calls: Call[]): void {
  const r = spawnSync(process.execPath, [CHILD, dir, JSON.stringify(calls)], { encoding: 'utf8' });
  expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: `stored ${calls.length}\n`, stderr: '' });
}

beforeAll(() => {
  const dir = tmpDir('many-logs');
  alice = path.join(dir, 'alice-machine');
  bob = path.join(dir, 'bob-machine');
  record(alice, ALICE);
  record(bob, BOB);
}, 60_000);

describe('several stores read as one', () => {
  it('groups repeated inputs in the order of their first call across both processes, ties by trace id', () => {
    for (const order of [
      [alice, bob],
      [bob, alice],
    ]) {
      const c = buildConsistency(order);
      expect(c.groups.map((g) => [g.input_text, g.calls, g.distinct_outputs, g.models, g.first])).toEqual([
        ['early', 2, 2, ['model-a', 'model-b'], '2026-01-01T00:00:01.000000000Z'],
        ['late', 2, 2, ['model-a'], '2026-01-01T00:00:02.000000000Z'],
        ['tie-b', 2, 2, ['model-b'], '2026-01-01T00:00:03.000000000Z'],
        ['tie-a', 2, 2, ['model-a'], '2026-01-01T00:00:03.000000000Z'],
      ]);
      expect(c.summary).toEqual({ calls: 8, distinct_inputs: 4, repeated_inputs: 4, differing_inputs: 4 });
    }
  });

  it('reports both processes as one, whichever store comes first', () => {
    const report = buildReport([alice, bob], { by: ['user'] });
    expect(report.groups.map((g) => [g.user, g.calls, g.input_tokens, g.output_tokens, g.latency_ms_p50])).toEqual([
      ['alice', 5, 50, 25, 600],
      ['bob', 3, 30, 15, 400],
    ]);
    expect(report.totals.calls).toBe(8);
    expect(buildReport([bob, alice], { by: ['user'] })).toEqual(report);
    expect(buildReport([alice, bob], { by: ['user'], user: 'bob' }).totals.calls).toBe(3);
  });

  it('queries both stores newest first', () => {
    const results = queryStore([alice, bob]);
    expect(results.map((r) => [r.time.slice(17, 19), r.traceId.slice(-1), r.resource['service.name'] !== undefined])).toEqual([
      ['07', '8', true],
      ['06', '7', true],
      ['05', '6', true],
      ['04', '4', true],
      ['03', alice < bob ? '3' : '5', true],
      ['03', alice < bob ? '5' : '3', true],
      ['02', '2', true],
      ['01', '1', true],
    ]);
    expect(queryStore([alice, bob], { limit: 3 }).map((r) => r.traceId.slice(-1))).toEqual(['8', '7', '6']);
  });

  it('takes several stores on the command line and refuses one given twice', () => {
    const r = runCli(['report', alice, bob, '--by', 'user', '--json']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(buildReport([alice, bob], { by: ['user'] }))));
    const c = runCli(['consistency', bob, alice, '--json']);
    expect(JSON.parse(c.stdout)).toEqual(JSON.parse(JSON.stringify(buildConsistency([alice, bob]))));
    const q = runCli(['query', alice, bob, '--json', '--limit', '2']);
    expect((JSON.parse(q.stdout) as Array<{ cids: { record: string } }>).map((v) => v.cids.record)).toEqual(
      queryStore([alice, bob], { limit: 2 }).map((r) => r.cid),
    );
    const twice = runCli(['consistency', alice, bob, alice]);
    expect({ code: twice.code, stderr: twice.stderr }).toEqual({
      code: 2,
      stderr: `llm-provenance consistency: ${alice} is given twice (each store or CAR once: its calls would be counted twice)\n`,
    });
  });
});
