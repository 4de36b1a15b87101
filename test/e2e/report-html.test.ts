/**
 * `llm-provenance report --html FILE` over a store the real openai and @anthropic-ai/sdk SDKs wrote against
 * the emulator (fixtures/report-calls.mjs, as in report.test.ts): the page holds every figure `--json`
 * gives for the same store, runs no script, and escapes what the store holds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@llm-provenance/cid-exporter';
import { renderReportHtml } from '../../packages/cid-exporter/dist/esm/report/html.js';
import { runApp } from '../harness/index.js';

let store: string;
let out: string;

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { out: (l) => void lines.push(l), err: (l) => void lines.push(l) });
  return { code, out: lines.join('\n') };
}

beforeAll(async () => {
  store = mkdtempSync(path.join(tmpdir(), 'llm-provenance-report-html-'));
  out = mkdtempSync(path.join(tmpdir(), 'llm-provenance-report-html-out-'));
  await runApp({
    storeDir: store,
    module: 'esm',
    app: 'fixtures/report-calls.mjs',
    env: { OTEL_SERVICE_NAME: 'report-app' },
    scenarios: [
      { kind: 'text', text: '1989' },
      { kind: 'text', text: '1991' },
      { kind: 'cache', read: 12 },
      { kind: 'error', status: 400, message: 'refused by the test' },
    ],
  });
}, 60_000);
afterAll(() => {
  rmSync(store, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

const FIGURES = ['calls', 'errors', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cost_usd', 'latency_ms_p50', 'latency_ms_p95'] as const;

describe('report --html', () => {
  it('writes a page whose group rows hold exactly the figures of report --json', async () => {
    const file = path.join(out, 'report.html');
    const r = await cli('report', store, '--by', 'user,model', '--html', file);
    expect(r).toEqual({ code: 0, out: `wrote ${file}` });
    const json = JSON.parse((await cli('report', store, '--by', 'user,model', '--json')).out) as {
      groups: Array<Record<string, unknown>>;
      totals: Record<string, unknown>;
    };
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3)/i);
    const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].slice(1).map((m) => [...m[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]));
    const expected = [
      ...json.groups.map((g) => [String(g.user ?? '—'), String(g.model ?? '—'), ...FIGURES.map((f) => String(g[f] ?? ''))]),
      ['totals', '', ...FIGURES.map((f) => String(json.totals[f] ?? ''))],
    ];
    expect(rows).toEqual(expected);
    expect(json.groups.length).toBeGreaterThan(2);
    expect(html).toContain('<h2>Consistency groups</h2>');
    expect(html).toContain('1989');
    expect(html).toContain('1991');
  });

  it('escapes store values so a hostile prompt cannot close a tag or add markup', () => {
    const hostile = '</script><img src=x onerror="alert(1)">&\'';
    const totals = {
      calls: 1,
      errors: 0,
      input_tokens: 1,
      output_tokens: 1,
      cached_input_tokens: 0,
      reasoning_tokens: 0,
      unpriced_calls: 0,
      cost_usd: 0,
      latency_ms_p50: 1,
      latency_ms_p95: 1,
      latency_ms_p99: 1,
      time_to_first_token_ms_p50: null,
      time_to_first_token_ms_p95: null,
      time_to_first_token_ms_p99: null,
    };
    const html = renderReportHtml(
      { groups: [{ user: hostile, ...totals }], totals },
      ['user'],
      {
        groups: [
          {
            input_cid: hostile,
            calls: 2,
            distinct_outputs: 2,
            models: [],
            first: '',
            last: '',
            input_text: hostile,
            params: [],
            sampling_may_vary: false,
            outputs: [{ output_cid: hostile, count: 1, models: [], first: '', last: '', text: hostile, diff: { removed: hostile, added: hostile } }],
          },
        ],
        summary: { calls: 2, distinct_inputs: 1, repeated_inputs: 1, differing_inputs: 1 },
      },
      hostile,
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('</script>');
    expect(html.split('&#60;/script&#62;&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;').length - 1).toBe(10);
  });
});
