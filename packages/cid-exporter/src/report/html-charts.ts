/**
 * The HTML report's charts, drawn on the server as inline SVG so they show without the script: horizontal
 * bars per group, and columns per time bucket. Each chart is an `img` for assistive technology, labelled
 * by its caption, and every bar carries a `<title>` with its exact figures; the numbers themselves are in
 * the tables beside the charts.
 */
import { escapeHtml } from './html-escape.js';

/** A figure for a chart label: integers grouped, small amounts with three significant digits. */
export function chartNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

const cutLabel = (s: string, max = 26): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Horizontal bars, one per labelled value. */
export function barChart(id: string, title: string, rows: Array<[string, number]>): string {
  const max = Math.max(0, ...rows.map(([, v]) => v)) || 1;
  const h = 24;
  const labelWidth = 190;
  const barWidth = 300;
  const bars = rows
    .map(([label, v], i) => {
      const w = Math.max(Math.round((v / max) * barWidth), v > 0 ? 1 : 0);
      const y = i * h;
      return `<g><title>${escapeHtml(label)}: ${escapeHtml(v)}</title><text x="0" y="${y + 16}">${escapeHtml(cutLabel(label))}</text><rect class="bar" x="${labelWidth}" y="${y + 5}" width="${w}" height="14" rx="2"/><text class="tick" x="${labelWidth + w + 6}" y="${y + 16}">${escapeHtml(chartNumber(v))}</text></g>`;
    })
    .join('');
  const height = rows.length * h + 4;
  return `<figure><figcaption id="${id}">${escapeHtml(title)}</figcaption><svg role="img" aria-labelledby="${id}" viewBox="0 0 580 ${height}" width="580" height="${height}">${bars}</svg></figure>`;
}

export interface ColumnSeries {
  name: string;
  /** CSS class of its bars (`bar`, `bar2`, `cost`). */
  className: string;
  values: number[];
}

/** Columns per time bucket; several series stack. `labels` name the buckets. */
export function columnChart(id: string, title: string, labels: string[], series: ColumnSeries[]): string {
  const width = 580;
  const height = 210;
  const left = 58;
  const bottom = 34;
  const top = 10;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const sums = labels.map((_, i) => series.reduce((n, s) => n + s.values[i]!, 0));
  const max = Math.max(0, ...sums) || 1;
  const step = plotW / Math.max(labels.length, 1);
  const barW = Math.max(Math.min(step * 0.7, 48), 1);
  const parts: string[] = [];
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - f * plotH;
    parts.push(
      `<line class="axis" x1="${left}" x2="${width - 8}" y1="${y}" y2="${y}"/><text class="tick" x="${left - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(chartNumber(max * f))}</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(labels.length / 6));
  labels.forEach((label, i) => {
    const x = left + i * step + (step - barW) / 2;
    let base = top + plotH;
    const tip = series.map((s) => `${s.name} ${s.values[i]!}`).join(', ');
    const rects = series
      .map((s) => {
        const h = (s.values[i]! / max) * plotH;
        base -= h;
        return h > 0 ? `<rect class="${s.className}" x="${x.toFixed(1)}" y="${base.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"/>` : '';
      })
      .join('');
    parts.push(`<g><title>${escapeHtml(label)}: ${escapeHtml(tip)}</title>${rects}</g>`);
    if (i % every === 0) parts.push(`<text class="tick" x="${(x + barW / 2).toFixed(1)}" y="${height - 12}" text-anchor="middle">${escapeHtml(label)}</text>`);
  });
  const legend =
    series.length > 1
      ? `<ul class="legend">${series.map((s) => `<li><span class="swatch sw-${s.className === 'bar' ? 'genai' : s.className === 'bar2' ? 'genai2' : 'tool'}"></span>${escapeHtml(s.name)}</li>`).join('')}</ul>`
      : '';
  return `<figure><figcaption id="${id}">${escapeHtml(title)}</figcaption><svg role="img" aria-labelledby="${id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join('')}</svg>${legend}</figure>`;
}
