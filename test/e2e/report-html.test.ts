/**
 * `llm-provenance report --html FILE` over a store the real openai and @anthropic-ai/sdk SDKs wrote against
 * the emulator (fixtures/report-html-calls.mjs: the calls of report.test.ts, then one agent trace with a
 * tool call and a route span), loaded in headless Chromium (Debian's `chromium`, driven by playwright-core)
 * from a file:// URL with every other request refused. The page must make no request, log no error, show
 * the figures `report --json` gives, draw the chosen trace's spans, copy a CID, be reachable by keyboard,
 * and show hostile markup from the store as text without running it. The run saves a full-page screenshot
 * (and, with UPDATE_SCREENSHOT=1, the one the README shows: docs/report-screenshot.png).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@llm-provenance/cid-exporter';
import { renderReportHtml } from '../../packages/cid-exporter/dist/esm/report/html.js';
import { bucketTimeline } from '../../packages/cid-exporter/dist/esm/report/html-data.js';
import { runApp, type AppRun, type OtlpSpan } from '../harness/index.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SCREENSHOT = path.resolve(__dirname, '../../docs/report-screenshot.png');
/** Markup that runs script if a page ever pastes it in unescaped; each handler sets a flag the test reads. */
const HOSTILE = 'Read this: </script><script>window.__pwned = 1; alert(1)</script> and <img src=x onerror="window.__pwned = 2">';

let run: AppRun;
let store: string;
let out: string;

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { out: (l) => void lines.push(l), err: (l) => void lines.push(l) });
  return { code, out: lines.join('\n') };
}

type Json = { groups: Array<Record<string, unknown>>; totals: Record<string, unknown> };

beforeAll(async () => {
  store = mkdtempSync(path.join(tmpdir(), 'llm-provenance-report-html-'));
  out = mkdtempSync(path.join(tmpdir(), 'llm-provenance-report-html-out-'));
  run = await runApp({
    storeDir: store,
    module: 'esm',
    app: 'fixtures/report-html-calls.mjs',
    env: { OTEL_SERVICE_NAME: 'report-app', HOSTILE },
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

const attr = (s: OtlpSpan, k: string): unknown => s.attributes[k];
const isGenAi = (s: OtlpSpan) => typeof attr(s, 'gen_ai.operation.name') === 'string' || typeof attr(s, 'gen_ai.provider.name') === 'string';
// What the report counts as a call: a GenAI span that is not a tool execution (nor an agent span).
const isModelCall = (s: OtlpSpan) => isGenAi(s) && attr(s, 'gen_ai.operation.name') !== 'execute_tool';
const latencyMs = (s: OtlpSpan) => Number(s.endTimeUnixNano - s.startTimeUnixNano) / 1e6;

describe('the app behind the page', () => {
  it('made eleven GenAI spans (ten model calls and a tool execution) and one trace of six spans for the agent', () => {
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.spans.filter(isGenAi)).toHaveLength(11);
    expect(run.spans.filter(isModelCall)).toHaveLength(10);
    const agent = run.spans.find((s) => s.name === `agent ${HOSTILE}`)!;
    expect(
      run.spans
        .filter((s) => s.traceId === agent.traceId)
        .map((s) => s.name)
        .sort(),
    ).toEqual(
      [`agent ${HOSTILE}`, 'chat gpt-4o-mini', 'chat gpt-4o-mini', `execute_tool ${HOSTILE}`, 'route secondary', 'chat claude-3-5-haiku-20241022'].sort(),
    );
  });
});

describe('report --html FILE', () => {
  it('refuses --source-label without --html, naming both', async () => {
    const r = await cli('report', store, '--source-label', 'x');
    expect(r).toEqual({ code: 2, out: expect.stringContaining('--source-label names the source on the --html page; give --html FILE too') as string });
  });

  it('names the file it cannot write, exit 2, and writes nothing else', async () => {
    const file = path.join(out, 'no-such-folder', 'report.html');
    const r = await cli('report', store, '--html', file);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^llm-provenance report: --html: cannot write \S+report\.html: ENOENT: no such file or directory/);
    expect(r.out).toContain(file);
    expect(existsSync(path.dirname(file))).toBe(false);
  });
});

describe.skipIf(!HAVE_CHROMIUM)(`report --html in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM}; apt-get install chromium)`}`, () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let json: Json;
  const requests: string[] = [];
  const refused: string[] = [];
  const problems: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    const file = path.join(out, 'report.html');
    // --source-label: the page names its source as told (the screenshot shows no temp folder).
    expect(await cli('report', store, '--by', 'user,model', '--html', file, '--source-label', 'an example store')).toEqual({ code: 0, out: `wrote ${file}` });
    json = JSON.parse((await cli('report', store, '--by', 'user,model', '--json')).out) as Json;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      refused.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('request', (r) => void requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => void problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // the script has run once the waterfall has rows
    await page.waitForSelector('#waterfall-spans > li');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('names its source as --source-label says', async () => {
    expect(await page.textContent('header p.muted')).toBe('Source an example store');
  });

  it('loads from file:// with no other request, no console error and no page error', () => {
    expect(refused).toEqual([]);
    expect(requests).toEqual([pathToFileURL(path.join(out, 'report.html')).href]);
    expect(problems).toEqual([]);
  });

  it('shows each group and the totals with exactly the figures of report --json', async () => {
    const rows = await page.$$eval('#groups-table tbody tr, #groups-table tfoot tr', (trs) =>
      trs.map((tr) => ({
        labels: [...tr.querySelectorAll('th')].map((th) => th.textContent),
        figures: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.key, { value: td.dataset.value, text: td.textContent }])),
      })),
    );
    const figureKeys = [
      'calls',
      'errors',
      'input_tokens',
      'output_tokens',
      'cached_input_tokens',
      'reasoning_tokens',
      'cost_usd',
      'latency_ms_p50',
      'latency_ms_p95',
      'latency_ms_p99',
      'time_to_first_token_ms_p50',
    ];
    const expected = (labels: string[], g: Record<string, unknown>) => ({
      labels,
      figures: Object.fromEntries(
        figureKeys.map((k) => {
          const v = g[k] as number | null;
          // counts are shown as --json prints them, cost to ten significant digits, latencies rounded; the
          // exact figure is in data-value
          const text = v === null ? '—' : k.includes('_ms_') ? expect.stringMatching(/ ms$/) : k === 'cost_usd' ? String(Number(v.toPrecision(10))) : String(v);
          return [k, { value: v === null ? '' : String(v), text }];
        }),
      ),
    });
    expect(rows).toEqual([...json.groups.map((g) => expected([String(g.user ?? '—'), String(g.model ?? '—')], g)), expected(['totals', ''], json.totals)]);
    expect(json.groups.map((g) => g.user)).toContain(`dave ${HOSTILE}`);
    // eleven GenAI spans, one of them the tool execution, which is not a model call
    expect(json.totals.calls).toBe(10);
  });

  it('shows calls, tokens and cost over time that add up to the totals', async () => {
    const buckets = await page.$$eval('#timeline-table tbody tr', (trs) =>
      trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.key, Number(td.dataset.value)]))),
    );
    expect(buckets.length).toBeGreaterThanOrEqual(1);
    const sum = (k: string) => buckets.reduce((n, b) => n + b[k]!, 0);
    expect([sum('calls'), sum('errors'), sum('input_tokens'), sum('output_tokens')]).toEqual([
      json.totals.calls,
      json.totals.errors,
      json.totals.input_tokens,
      json.totals.output_tokens,
    ]);
    expect(sum('cost_usd')).toBeCloseTo(json.totals.cost_usd as number, 12);
    expect(await page.locator('#chart-tokens-time').textContent()).toBe('Tokens per hour');
    expect(await page.locator('svg[aria-labelledby="chart-cost-time"] rect').count()).toBe(buckets.filter((b) => b.cost_usd! > 0).length);
  });

  it('lists the slowest and the most expensive calls with their record CIDs, as the spans give them', async () => {
    const table = (id: string) =>
      page.$$eval(`#${id}-table tbody tr`, (trs) =>
        trs.map((tr) => ({
          latency: Number(tr.querySelector<HTMLElement>('[data-key="latency_ms"]')!.dataset.value),
          cost: tr.querySelector<HTMLElement>('[data-key="cost"]')!.dataset.value,
          record: tr.querySelector('.record-cid code')!.textContent,
        })),
      );
    const genai = run.spans.filter(isModelCall);
    const slowest = [...genai].sort((a, b) => latencyMs(b) - latencyMs(a)).slice(0, 10);
    expect(await table('slowest')).toEqual(
      slowest.map((s) => ({ latency: latencyMs(s), cost: String(attr(s, 'gen_ai.usage.cost.amount') ?? ''), record: attr(s, 'provenance.record.cid') })),
    );
    const priced = genai.filter((s) => typeof attr(s, 'gen_ai.usage.cost.amount') === 'number');
    const costliest = await table('costliest');
    expect(costliest.map((r) => Number(r.cost))).toEqual(
      priced
        .map((s) => attr(s, 'gen_ai.usage.cost.amount') as number)
        .sort((a, b) => b - a)
        .slice(0, 10),
    );
    for (const row of costliest) {
      const span = genai.find((s) => attr(s, 'provenance.record.cid') === row.record)!;
      expect(String(attr(span, 'gen_ai.usage.cost.amount'))).toBe(row.cost);
    }
  });

  it('draws the chosen trace as a waterfall: every span, nested under its parent, placed by start and duration', async () => {
    const agent = run.spans.find((s) => s.name === `agent ${HOSTILE}`)!;
    await page.selectOption('#trace-picker', agent.traceId);
    const spans = run.spans.filter((s) => s.traceId === agent.traceId);
    const start = spans.reduce((m, s) => (s.startTimeUnixNano < m ? s.startTimeUnixNano : m), agent.startTimeUnixNano);
    const end = spans.reduce((m, s) => (s.endTimeUnixNano > m ? s.endTimeUnixNano : m), agent.endTimeUnixNano);
    const total = Number(end - start);
    const depth = (s: OtlpSpan): number => {
      const parent = spans.find((p) => p.spanId === s.parentSpanId);
      return parent ? depth(parent) + 1 : 0;
    };
    const drawn = await page.$$eval('#waterfall-spans > li', (items) =>
      items.map((li) => ({
        id: li.dataset.spanId,
        name: li.querySelector('.wf-name')!.firstChild!.textContent,
        category: li.className.replace(' wf-error', ''),
        indent: (li.querySelector('.wf-name') as HTMLElement).style.paddingLeft,
        left: parseFloat((li.querySelector('.wf-bar') as HTMLElement).style.left),
        width: parseFloat((li.querySelector('.wf-bar') as HTMLElement).style.width),
      })),
    );
    const categoryOf = (s: OtlpSpan) =>
      attr(s, 'gen_ai.operation.name') === 'execute_tool' ? 'wf-tool' : isGenAi(s) ? 'wf-genai' : attr(s, 'provenance.route.backend') ? 'wf-route' : 'wf-span';
    // tree order: a parent, then its children by start time
    const byStart = [...spans].sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));
    const treeOrder: OtlpSpan[] = [];
    const walk = (s: OtlpSpan) => {
      treeOrder.push(s);
      byStart.filter((c) => c.parentSpanId === s.spanId).forEach(walk);
    };
    walk(agent);
    expect(drawn.map(({ left, width, ...rest }) => rest)).toEqual(
      treeOrder.map((s) => ({ id: s.spanId, name: s.name, category: categoryOf(s), indent: `${depth(s) * 1.1}rem` })),
    );
    expect(drawn.map((d) => d.category)).toEqual(['wf-span', 'wf-genai', 'wf-genai', 'wf-tool', 'wf-route', 'wf-genai']);
    // (the style properties read back with six significant digits)
    drawn.forEach((d, i) => {
      const s = treeOrder[i]!;
      expect(d.left).toBeCloseTo((Number(s.startTimeUnixNano - start) / total) * 100, 3);
      expect(d.width).toBeCloseTo(Math.max((Number(s.endTimeUnixNano - s.startTimeUnixNano) / total) * 100, 0.25), 3);
    });
    // another trace redraws the list
    const other = run.spans.find((s) => s.traceId !== agent.traceId && isGenAi(s))!;
    await page.selectOption('#trace-picker', other.traceId);
    expect(await page.$$eval('#waterfall-spans > li', (items) => items.map((li) => li.dataset.spanId))).toEqual(
      run.spans.filter((s) => s.traceId === other.traceId).map((s) => s.spanId),
    );
    await page.selectOption('#trace-picker', agent.traceId);
  });

  it("shows a listed call's trace in the waterfall from its Show trace button", async () => {
    const row = page.locator('#costliest-table tbody tr').first();
    const record = await row.locator('.record-cid code').textContent();
    const span = run.spans.find((s) => attr(s, 'provenance.record.cid') === record)!;
    await row.locator('button[data-trace]').click();
    expect(await page.locator('#trace-picker').inputValue()).toBe(span.traceId);
    expect(await page.evaluate(() => document.activeElement!.id)).toBe('trace-picker');
    expect(await page.$$eval('#waterfall-spans > li', (items) => items.map((li) => li.dataset.spanId))).toContain(span.spanId);
  });

  it('copies a record CID to the clipboard with its copy button', async () => {
    const button = page.locator('#slowest-table button[data-copy]').first();
    const cid = await button.getAttribute('data-copy');
    expect(cid).toMatch(/^bagu/);
    await button.click();
    await page.waitForSelector('#slowest-table button.copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(cid);
    expect(await page.locator('#copy-status').textContent()).toBe(`Copied ${cid}`);
  });

  it('selects the CID for a manual copy where the Clipboard API is refused', async () => {
    await page.evaluate(() => {
      Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('refused')) }, configurable: true });
      document.execCommand = () => false;
    });
    const button = page.locator('#costliest-table .record-cid button[data-copy]').nth(1);
    const cid = (await button.getAttribute('data-copy'))!;
    await button.click();
    await page.waitForFunction((c) => document.getElementById('copy-status')!.textContent!.startsWith(`Selected ${c}`), cid);
    expect(await page.evaluate(() => window.getSelection()!.toString())).toBe(cid);
  });

  it('is usable by keyboard: a skip link first, then every control reachable with Tab, and focus is visible', async () => {
    await page.goto(page.url());
    await page.waitForSelector('#waterfall-spans > li');
    const reached = new Set<string>();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement!.className)).toBe('skip');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    for (let i = 0; i < 400 && !(reached.has('select#trace-picker') && reached.has('button.wf-name')); i++) {
      await page.keyboard.press('Tab');
      reached.add(
        await page.evaluate(
          () =>
            `${document.activeElement!.tagName.toLowerCase()}${document.activeElement!.id ? `#${document.activeElement!.id}` : `.${document.activeElement!.className}`}`,
        ),
      );
    }
    expect([...reached]).toEqual(expect.arrayContaining(['a.', 'button.copy', 'button.', 'select#trace-picker', 'button.wf-name']));
    // Enter on a span's name opens its details
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement!.getAttribute('aria-expanded'))).toBe('true');
    expect(await page.locator('.wf-detail:not([hidden]) button[data-copy]').count()).toBeGreaterThan(0);
    // headings go down one level at a time
    const levels = await page.$$eval('h1, h2, h3, h4', (hs) => hs.map((h) => Number(h.tagName[1])));
    expect(levels[0]).toBe(1);
    levels.forEach((l, i) => i > 0 && expect(l).toBeLessThanOrEqual(levels[i - 1]! + 1));
    expect(await page.$$eval('th', (ths) => ths.filter((th) => !th.getAttribute('scope')).length)).toBe(0);
  });

  it('shows the hostile prompt, user, span and tool names as text and runs none of their markup', async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    // the prompt, in the consistency group its two different answers make
    expect(await page.locator('.group pre', { hasText: 'Read this:' }).first().textContent()).toContain(HOSTILE);
    expect(await page.locator('.group', { hasText: 'Read this:' }).locator('del, ins').count()).toBeGreaterThan(0);
    expect(await page.locator('#groups-table tbody th', { hasText: `dave ${HOSTILE}` }).count()).toBe(
      json.groups.filter((g) => g.user === `dave ${HOSTILE}`).length,
    );
    expect(await page.locator('#trace-picker option', { hasText: `agent ${HOSTILE.slice(0, 50)}` }).count()).toBe(1);
    expect(await page.locator('#waterfall-spans .wf-name', { hasText: `execute_tool ${HOSTILE}` }).count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('follows the light or dark colour scheme the system prefers', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(13, 17, 23)');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(255, 255, 255)');
  });

  it('shows every table with scripts off, hides the controls that need the script and says why the waterfall is missing', async () => {
    const off = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    try {
      await off.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
      const still = await off.newPage();
      await still.goto(page.url(), { waitUntil: 'load' });
      expect(await still.locator('#groups-table tbody tr').count()).toBe(json.groups.length);
      expect(await still.locator('#slowest-table tbody tr').count()).toBe(10);
      expect(await still.locator('#costliest-table tbody tr').count()).toBeGreaterThan(0);
      expect(await still.locator('.group').count()).toBeGreaterThan(0);
      expect(await still.locator('.record-cid code').first().isVisible()).toBe(true);
      expect(await still.locator('button[data-copy]').first().isVisible()).toBe(false);
      expect(await still.locator('#trace-picker').isVisible()).toBe(false);
      expect(await still.locator('#waterfall ~ noscript').count()).toBe(1);
    } finally {
      await off.close();
    }
  });

  it('saves a full-page screenshot', async () => {
    const shot = path.join(out, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    if (process.env.UPDATE_SCREENSHOT === '1') {
      // the top of a freshly loaded page, as a reader first sees it
      await page.goto(page.url());
      await page.waitForSelector('#waterfall-spans > li');
      await page.screenshot({ path: shot, fullPage: false });
      copyFileSync(shot, SCREENSHOT);
      expect(statSync(SCREENSHOT).size).toBeLessThan(300_000);
    }
  });
});

describe('bucketTimeline', () => {
  const hour = (h: number, calls: number) =>
    [Date.UTC(2026, 11, 1) + h * 3_600_000, { start: '', calls, errors: 0, input_tokens: calls, output_tokens: 0, cost_usd: 0 }] as const;
  const shape = (t: ReturnType<typeof bucketTimeline>) => ({ bucket: t.bucket, timeline: t.timeline.map((b) => [b.start, b.calls]) });

  it('keeps hours, the empty ones between filled in, while the calls span at most three days', () => {
    expect(shape(bucketTimeline(new Map([hour(0, 2), hour(3, 1)])))).toEqual({
      bucket: 'hour',
      timeline: [
        ['2026-12-01T00:00:00.000Z', 2],
        ['2026-12-01T01:00:00.000Z', 0],
        ['2026-12-01T02:00:00.000Z', 0],
        ['2026-12-01T03:00:00.000Z', 1],
      ],
    });
  });

  it('sums hours into days when the calls span more than three days', () => {
    expect(shape(bucketTimeline(new Map([hour(1, 2), hour(23, 1), hour(80, 4)])))).toEqual({
      bucket: 'day',
      timeline: [
        ['2026-12-01T00:00:00.000Z', 3],
        ['2026-12-02T00:00:00.000Z', 0],
        ['2026-12-03T00:00:00.000Z', 0],
        ['2026-12-04T00:00:00.000Z', 4],
      ],
    });
  });
});

describe('renderReportHtml', () => {
  it('escapes store values in markup and in the JSON data block, so a hostile value cannot close a tag or add markup', () => {
    const hostile = '</script><img src=x onerror="alert(1)">&\'\u2028';
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
    const span = {
      span_id: hostile,
      parent_span_id: null,
      name: hostile,
      kind: 'CLIENT',
      start_ms: 0,
      duration_ms: 1,
      error: false,
      category: 'genai' as const,
      operation: hostile,
      model: hostile,
      tool: null,
      route: null,
      record_cid: hostile,
      input_cid: null,
      output_cid: null,
    };
    const call = {
      record_cid: hostile,
      input_cid: hostile,
      params_cid: null,
      output_cid: hostile,
      trace_id: hostile,
      start: '2026-12-04T10:00:00.000Z',
      name: hostile,
      model: hostile,
      user: hostile,
      task: hostile,
      latency_ms: 1,
      cost: 0.5,
      currency: hostile,
      error: false,
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
            models: [hostile],
            first: hostile,
            last: hostile,
            input_text: hostile,
            params: [],
            sampling_may_vary: false,
            outputs: [{ output_cid: hostile, count: 1, models: [], first: '', last: '', text: hostile, diff: { removed: hostile, added: hostile } }],
          },
        ],
        summary: { calls: 2, distinct_inputs: 1, repeated_inputs: 1, differing_inputs: 1 },
      },
      hostile,
      {
        bucket: 'hour',
        timeline: [{ start: '2026-12-04T10:00:00.000Z', calls: 1, errors: 0, input_tokens: 1, output_tokens: 1, cost_usd: 0 }],
        slowest: [call],
        costliest: [call],
        traces: [{ trace_id: hostile, start: hostile, duration_ms: 1, root: hostile, genai_calls: 1, spans: [span], omitted_spans: 0 }],
      },
    );
    expect(html).not.toContain('<img');
    // the page's own two script elements, and no other
    expect(html.match(/<\/script/g)).toHaveLength(2);
    const data = html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!;
    expect(data).not.toMatch(/[<>&\u2028]/);
    expect((JSON.parse(data) as { traces: Array<{ root: string }> }).traces[0]!.root).toBe(hostile);
    expect(html).toContain('&#60;/script&#62;&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;');
  });
});
