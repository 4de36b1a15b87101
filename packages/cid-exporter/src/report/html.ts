/**
 * `report --html FILE`: one self-contained page (no network: the Content-Security-Policy allows no
 * fetch at all, and only the page's own inline script by its hash). It holds the report's groups with bar
 * charts, the calls over time, the slowest and the most expensive calls, a waterfall of a chosen trace,
 * and the consistency groups with their diffs; every record CID has a copy button.
 *
 * Everything but the waterfall and the copy buttons is plain HTML and SVG, readable with scripts off.
 * The waterfall's data is a JSON data block drawn by ./html-script.ts. Every value from the store goes
 * through ./html-escape.ts.
 */
import type { Dimension } from './calls.js';
import type { ConsistencyReport } from './consistency.js';
import { barChart, columnChart } from './html-charts.js';
import type { CallRow, HtmlDetails } from './html-data.js';
import { escapeHtml, jsonForScript } from './html-escape.js';
import { REPORT_SCRIPT, REPORT_SCRIPT_HASH } from './html-script.js';
import { REPORT_STYLE } from './html-style.js';
import type { Report, ReportFigures, ReportGroup } from './report.js';

export { escapeHtml } from './html-escape.js';

/** The group table's figure columns, each with its heading; other currencies follow cost_usd. */
const FIGURES: Array<[keyof ReportFigures, string]> = [
  ['calls', 'calls'],
  ['errors', 'errors'],
  ['input_tokens', 'tokens in'],
  ['output_tokens', 'tokens out'],
  ['cached_input_tokens', 'cached in'],
  ['reasoning_tokens', 'reasoning'],
  ['cost_usd', 'cost USD'],
  ['latency_ms_p50', 'latency p50'],
  ['latency_ms_p95', 'latency p95'],
  ['latency_ms_p99', 'latency p99'],
  ['time_to_first_token_ms_p50', 'TTFT p50'],
];

const EMPTY_DETAILS: HtmlDetails = { bucket: 'hour', timeline: [], slowest: [], costliest: [], traces: [] };

function figureColumns(report: Report): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, heading] of FIGURES) {
    out.push([key, heading]);
    if (key === 'cost_usd') {
      for (const k of Object.keys(report.totals)) if (k.startsWith('cost_') && k !== 'cost_usd') out.push([k, `cost ${k.slice(5).toUpperCase()}`]);
    }
  }
  return out;
}

const ms = (v: number | null): string => (v === null ? '—' : v < 10_000 ? `${v < 100 ? v.toFixed(1) : Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);

/**
 * An amount as the page shows it: ten significant digits, which drops the binary rounding noise of a sum
 * (0.0000131999999 for 0.0000132) and keeps every digit a price table gives.
 */
export const amount = (v: number): string => String(Number(v.toPrecision(10)));

/** A figure cell: shows the figure (latencies rounded) and keeps the exact `--json` value in data-value. */
function figureCell(key: string, value: unknown): string {
  const v = typeof value === 'number' ? value : null;
  const shown = v === null ? '—' : key.includes('_ms') ? ms(v) : key.startsWith('cost_') ? amount(v) : String(v);
  return `<td class="n" data-key="${escapeHtml(key)}" data-value="${escapeHtml(v === null ? '' : String(v))}">${escapeHtml(shown)}</td>`;
}

const cutText = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function groupLabel(group: ReportGroup, by: Dimension[]): string {
  return by.map((d) => String(group[d] ?? '—')).join(' · ') || 'all calls';
}

/** A CID with its copy button (revealed by the script). */
function cid(label: string, value: string | null): string {
  if (value === null) return '';
  return `<span class="cid"><code title="${escapeHtml(value)}">${escapeHtml(value)}</code><button type="button" class="copy" data-copy="${escapeHtml(value)}" aria-label="Copy ${escapeHtml(label)} ${escapeHtml(value)}" data-needs-script hidden>Copy</button></span>`;
}

/** The call's record CID and a button that shows its trace, then its payload blocks' CIDs folded away. */
function callCids(row: CallRow): string {
  const items: Array<[string, string, string | null]> = [
    ['input', 'input CID', row.input_cid],
    ['params', 'params CID', row.params_cid],
    ['output', 'output CID', row.output_cid],
  ];
  const payloads = items.filter(([, , v]) => v !== null);
  const more = payloads.length
    ? `<details><summary>payload CIDs</summary><ul class="cids">${payloads.map(([k, label, v]) => `<li><span class="k">${k}</span>${cid(label, v)}</li>`).join('')}</ul></details>`
    : '';
  return `<div class="record-cid">${cid('record CID', row.record_cid)} <button type="button" data-trace="${escapeHtml(row.trace_id)}" aria-label="Show the trace of ${escapeHtml(row.record_cid)} in the waterfall" data-needs-script hidden>Show trace</button></div>${more}`;
}

function groupsSection(report: Report, by: Dimension[]): string {
  const columns = figureColumns(report);
  const head = [...by.map((d) => [d, 'l']), ...columns.map(([, h]) => [h, 'n'])]
    .map(([h, align]) => `<th scope="col"${align === 'n' ? ' class="n"' : ''}>${escapeHtml(h)}</th>`)
    .join('');
  const row = (figures: ReportFigures, label: string[]): string =>
    `<tr>${label.map((l) => `<th scope="row" title="${escapeHtml(l)}">${escapeHtml(l)}</th>`).join('')}${columns.map(([k]) => figureCell(k, (figures as unknown as Record<string, unknown>)[k])).join('')}</tr>`;
  const rows = report.groups
    .map((g) =>
      row(
        g,
        by.map((d) => String(g[d] ?? '—')),
      ),
    )
    .join('');
  const totals = row(report.totals, by.length ? ['totals', ...by.slice(1).map(() => '')] : ['totals']);
  const labels = report.groups.map((g) => groupLabel(g, by));
  const byText = by.length ? by.join(', ') : 'nothing (one group)';
  return `<section aria-labelledby="groups"><h2 id="groups">Groups</h2>
<div class="scroll"><table id="groups-table"><caption>Calls grouped by ${escapeHtml(byText)}; the last row is the totals.</caption><thead><tr>${by.length ? '' : '<th scope="col">group</th>'}${head}</tr></thead><tbody>${by.length ? rows : ''}</tbody><tfoot>${totals}</tfoot></table></div>
<div class="charts">${barChart(
    'chart-cost-group',
    'Cost (USD) per group',
    labels.map((l, i) => [l, report.groups[i]!.cost_usd]),
  )}${barChart(
    'chart-tokens-group',
    'Tokens (in + out) per group',
    labels.map((l, i) => [l, report.groups[i]!.input_tokens + report.groups[i]!.output_tokens]),
  )}</div></section>`;
}

function timeLabel(start: string, bucket: HtmlDetails['bucket']): string {
  return bucket === 'day' ? start.slice(0, 10) : `${start.slice(5, 10)} ${start.slice(11, 16)}`;
}

function timelineSection(details: HtmlDetails): string {
  const t = details.timeline;
  if (t.length === 0) return `<section aria-labelledby="over-time"><h2 id="over-time">Over time</h2><p>No calls.</p></section>`;
  const labels = t.map((b) => timeLabel(b.start, details.bucket));
  const rows = t
    .map(
      (b, i) =>
        `<tr><th scope="row"><time datetime="${escapeHtml(b.start)}">${escapeHtml(labels[i])}</time></th>${(['calls', 'errors', 'input_tokens', 'output_tokens', 'cost_usd'] as const).map((k) => figureCell(k, b[k])).join('')}</tr>`,
    )
    .join('');
  return `<section aria-labelledby="over-time"><h2 id="over-time">Over time <span class="muted">(per ${details.bucket}, UTC)</span></h2>
<div class="charts">${columnChart('chart-tokens-time', `Tokens per ${details.bucket}`, labels, [
    { name: 'tokens in', className: 'bar', values: t.map((b) => b.input_tokens) },
    { name: 'tokens out', className: 'bar2', values: t.map((b) => b.output_tokens) },
  ])}${columnChart('chart-cost-time', `Cost (USD) per ${details.bucket}`, labels, [{ name: 'cost USD', className: 'cost', values: t.map((b) => b.cost_usd) }])}</div>
<details><summary>The figures per ${details.bucket}</summary><div class="scroll"><table id="timeline-table"><thead><tr><th scope="col">${details.bucket} (UTC)</th><th scope="col" class="n">calls</th><th scope="col" class="n">errors</th><th scope="col" class="n">tokens in</th><th scope="col" class="n">tokens out</th><th scope="col" class="n">cost USD</th></tr></thead><tbody>${rows}</tbody></table></div></details></section>`;
}

function callsTable(id: string, title: string, note: string, rows: CallRow[]): string {
  const text = (v: string | null): string => (v === null ? '<td>—</td>' : `<td class="clip" title="${escapeHtml(v)}">${escapeHtml(v)}</td>`);
  const body = rows
    .map(
      (r, i) =>
        `<tr><td class="n">${i + 1}</td><td class="when"><time datetime="${escapeHtml(r.start)}">${escapeHtml(r.start.replace('T', ' ').slice(0, 19))}</time></td><th scope="row" class="clip" title="${escapeHtml(r.name)}">${escapeHtml(r.model ?? r.name)}${r.error ? '<span class="badge">error</span>' : ''}</th>${text(r.user)}${text(r.task)}${figureCell('latency_ms', r.latency_ms)}<td class="n" data-key="cost" data-value="${escapeHtml(r.cost ?? '')}">${r.cost === null ? '—' : `${escapeHtml(amount(r.cost))} ${escapeHtml(r.currency)}`}</td><td>${callCids(r)}</td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(title)}</h2>${
    rows.length === 0
      ? '<p>No calls.</p>'
      : `<div class="scroll"><table id="${id}-table"><caption>${escapeHtml(note)}</caption><thead><tr><th scope="col" class="n">#</th><th scope="col">start (UTC)</th><th scope="col">model</th><th scope="col">user</th><th scope="col">task</th><th scope="col" class="n">latency</th><th scope="col" class="n">cost</th><th scope="col">CIDs</th></tr></thead><tbody>${body}</tbody></table></div>`
  }</section>`;
}

function waterfallSection(details: HtmlDetails): string {
  if (details.traces.length === 0) return `<section aria-labelledby="waterfall"><h2 id="waterfall">Trace waterfall</h2><p>No traces.</p></section>`;
  const options = details.traces
    .map(
      (t) =>
        `<option value="${escapeHtml(t.trace_id)}">${escapeHtml(`${cutText(t.root, 60)} · ${t.start.replace('T', ' ').slice(0, 19)} · ${t.spans.length} spans · ${ms(t.duration_ms)}`)}</option>`,
    )
    .join('');
  return `<section aria-labelledby="waterfall"><h2 id="waterfall">Trace waterfall</h2>
<noscript><p>The waterfall is drawn by the page's script; turn scripts on to see it. The tables above do not need it.</p></noscript>
<div data-needs-script hidden><div class="picker"><label for="trace-picker">Trace</label><select id="trace-picker">${options}</select></div>
<ul class="legend"><li><span class="swatch sw-genai"></span>model call</li><li><span class="swatch sw-tool"></span>tool call</li><li><span class="swatch sw-route"></span>route</li><li><span class="swatch sw-span"></span>other span</li><li><span class="swatch sw-error"></span>error (outline)</li></ul>
<p id="waterfall-summary" class="muted" aria-live="polite"></p><ol id="waterfall-spans" class="wf"></ol>
<p class="muted">Select a span's name to see its details and CIDs.</p></div></section>`;
}

function consistencySection(consistency: ConsistencyReport): string {
  const groups = consistency.groups
    .map(
      (g) => `<section class="group"><h3>${g.calls} calls, ${g.distinct_outputs} distinct outputs</h3><p>input ${cid('input CID', g.input_cid)}</p>
<p class="muted">models ${escapeHtml(g.models.join(', ') || '—')}; ${escapeHtml(g.first)} to ${escapeHtml(g.last)}${g.sampling_may_vary ? '; sampled without a seed at a temperature above 0, so answers may legitimately differ' : ''}</p>
${g.input_text === null ? '' : `<pre>${escapeHtml(g.input_text)}</pre>`}<ul>${g.outputs
        .map(
          (o) =>
            `<li>output ${o.output_cid === null ? 'none recorded' : cid('output CID', o.output_cid)} × ${escapeHtml(o.count)}${o.text === null ? '' : `<pre>${escapeHtml(o.text)}</pre>`}${o.diff ? `<p>diff against the first output: <del>${escapeHtml(o.diff.removed)}</del> → <ins>${escapeHtml(o.diff.added)}</ins></p>` : ''}</li>`,
        )
        .join('')}</ul></section>`,
    )
    .join('');
  const s = consistency.summary;
  return `<section aria-labelledby="consistency"><h2 id="consistency">Consistency groups</h2><p class="muted">${s.calls} calls with a captured input, ${s.distinct_inputs} distinct inputs, ${s.repeated_inputs} asked more than once, ${s.differing_inputs} answered in different ways.</p>${groups || '<p>No prompt was answered in different ways.</p>'}</section>`;
}

function overview(report: Report): string {
  const t = report.totals;
  const cards: Array<[string, string]> = [
    ['calls', String(t.calls)],
    ['errors', String(t.errors)],
    ['tokens in', t.input_tokens.toLocaleString('en-US')],
    ['tokens out', t.output_tokens.toLocaleString('en-US')],
    ['cost USD', `$${t.cost_usd.toPrecision(3)}`],
    ['latency p50', ms(t.latency_ms_p50)],
    ['latency p95', ms(t.latency_ms_p95)],
  ];
  return `<ul class="cards" aria-label="Totals">${cards.map(([k, v]) => `<li><span class="label">${escapeHtml(k)}</span><span class="value">${escapeHtml(v)}</span></li>`).join('')}</ul>`;
}

/** The whole page. `details` adds the timeline, top calls and waterfall (./html-data.ts). */
export function renderReportHtml(
  report: Report,
  by: Dimension[],
  consistency: ConsistencyReport,
  source: string,
  details: HtmlDetails = EMPTY_DETAILS,
): string {
  const data = { traces: details.traces };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src ${REPORT_SCRIPT_HASH}">
<title>llm-provenance report</title><style>${REPORT_STYLE}</style></head>
<body><a class="skip" href="#main">Skip to the report</a>
<main id="main" tabindex="-1"><header><h1>llm-provenance report</h1><p class="muted">Source <code>${escapeHtml(source)}</code></p>
<nav aria-label="Sections"><ul><li><a href="#groups">Groups</a></li><li><a href="#over-time">Over time</a></li><li><a href="#slowest">Slowest calls</a></li><li><a href="#costliest">Most expensive calls</a></li><li><a href="#waterfall">Trace waterfall</a></li><li><a href="#consistency">Consistency</a></li></ul></nav></header>
${overview(report)}
${groupsSection(report, by)}
${timelineSection(details)}
${callsTable('slowest', 'Slowest calls', 'The GenAI calls with the longest spans, slowest first.', details.slowest)}
${callsTable('costliest', 'Most expensive calls', 'The GenAI calls with the highest recorded cost in USD, most expensive first.', details.costliest)}
${waterfallSection(details)}
${consistencySection(consistency)}
<p id="copy-status" class="status" role="status" aria-live="polite"></p>
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
