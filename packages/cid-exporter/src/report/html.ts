/**
 * `report --html FILE`: the report and the consistency groups as one self-contained page (no scripts,
 * no network): a table per section and inline SVG bar charts of cost and tokens per group.
 *
 * Every value comes from the store, which is untrusted, so each one passes through `escapeHtml` before it
 * reaches the page (https://html.spec.whatwg.org/multipage/syntax.html#escapingString names the five
 * characters that matter in text and quoted attributes).
 */
import type { Dimension } from './calls.js';
import type { ConsistencyReport } from './consistency.js';
import type { Report, ReportFigures, ReportGroup } from './report.js';

/** The text with &, <, >, " and ' replaced by character references. */
export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const FIGURES: Array<keyof ReportFigures> = [
  'calls',
  'errors',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cost_usd',
  'latency_ms_p50',
  'latency_ms_p95',
];

function groupLabel(group: ReportGroup, by: Dimension[]): string {
  return by.map((d) => String(group[d] ?? '—')).join(' · ') || 'all';
}

/** A horizontal bar chart as inline SVG, one bar per labelled value. */
function barChart(title: string, rows: Array<[string, number]>): string {
  const max = Math.max(0, ...rows.map(([, v]) => v)) || 1;
  const h = 22;
  const bars = rows
    .map(([label, v], i) => {
      const w = Math.round((v / max) * 300);
      return `<text x="0" y="${i * h + 15}">${escapeHtml(label)}</text><rect x="220" y="${i * h + 4}" width="${w}" height="14"/><text x="${226 + w}" y="${i * h + 15}">${escapeHtml(v)}</text>`;
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg role="img" aria-label="${escapeHtml(title)}" width="640" height="${rows.length * h + 4}">${bars}</svg></figure>`;
}

const STYLE = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--bar:#2f6fdd;--line:#d0d7de}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--bar:#58a6ff;--line:#30363d}}
body{font:14px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:2rem;max-width:72rem}
table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid var(--line);padding:.25rem .6rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}svg text{fill:var(--fg);font-size:12px}svg rect{fill:var(--bar)}
code{font-size:12px;word-break:break-all}pre{white-space:pre-wrap}`;

/** The whole page. */
export function renderReportHtml(report: Report, by: Dimension[], consistency: ConsistencyReport, source: string): string {
  const head = [...by, ...FIGURES].map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const row = (cells: ReportFigures, label: string[]): string =>
    `<tr>${label.map((l) => `<th scope="row">${escapeHtml(l)}</th>`).join('')}${FIGURES.map((f) => `<td class="n">${escapeHtml(cells[f] ?? '')}</td>`).join('')}</tr>`;
  const groups = report.groups
    .map((g) =>
      row(
        g,
        by.map((d) => String(g[d] ?? '—')),
      ),
    )
    .join('');
  const totals = row(report.totals, by.length ? ['totals', ...by.slice(1).map(() => '')] : []);
  const labels = report.groups.map((g) => groupLabel(g, by));
  const cons = consistency.groups
    .map(
      (g) => `<section><h3><code>${escapeHtml(g.input_cid)}</code></h3><p>${escapeHtml(g.calls)} calls, ${escapeHtml(g.distinct_outputs)} distinct outputs</p>
${g.input_text === null ? '' : `<pre>${escapeHtml(g.input_text)}</pre>`}<ul>${g.outputs
        .map(
          (o) =>
            `<li><code>${escapeHtml(o.output_cid)}</code> × ${escapeHtml(o.count)}${o.text === null ? '' : `<pre>${escapeHtml(o.text)}</pre>`}${o.diff ? `<p>diff: <del>${escapeHtml(o.diff.removed)}</del> → <ins>${escapeHtml(o.diff.added)}</ins></p>` : ''}</li>`,
        )
        .join('')}</ul></section>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>llm-provenance report</title><style>${STYLE}</style></head>
<body><main><h1>llm-provenance report</h1><p>Source: <code>${escapeHtml(source)}</code></p>
<h2>Groups</h2><table><thead><tr>${head}</tr></thead><tbody>${groups}</tbody><tfoot>${totals}</tfoot></table>
<h2>Charts</h2>${barChart(
    'Cost (USD) per group',
    labels.map((l, i) => [l, report.groups[i]!.cost_usd]),
  )}${barChart(
    'Tokens (input + output) per group',
    labels.map((l, i) => [l, report.groups[i]!.input_tokens + report.groups[i]!.output_tokens]),
  )}
<h2>Consistency groups</h2>${cons || '<p>No prompt was answered in different ways.</p>'}
</main></body></html>
`;
}
