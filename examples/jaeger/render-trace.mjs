// Draws the picture in README.md: Jaeger's trace view of one trace, as an SVG, from the file
// `llm-provenance export --jaeger-json` writes (the same document Jaeger's "Upload JSON" opens). Timeline
// bars come from each span's startTime/duration (microseconds) and CHILD_OF reference; the span whose
// operation is given (default: the first LLM call) is shown expanded with its tags, as Jaeger shows a
// span you click.
// Usage: node render-trace.mjs trace.json trace.svg [--open "<operationName>"]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { open: { type: 'string' } } });
const [input, output] = positionals;
if (!input || !output) {
  console.error('usage: node render-trace.mjs trace.json trace.svg [--open "<operationName>"]');
  process.exit(2);
}
const document = JSON.parse(readFileSync(input, 'utf8'));
const trace = document.data.find((t) => t.spans.length > 1) ?? document.data[0];
if (!trace) throw new Error(`${input}: no trace in "data"`);

// Parent before children, siblings by start time: the order Jaeger lists spans in.
const byId = new Map(trace.spans.map((span) => [span.spanID, span]));
const parentOf = (span) => span.references?.find((ref) => ref.refType === 'CHILD_OF' && byId.has(ref.spanID))?.spanID;
const children = (id) => trace.spans.filter((span) => parentOf(span) === id).sort((a, b) => a.startTime - b.startTime);
const rows = [];
const walk = (span, depth) => {
  rows.push({ span, depth });
  for (const child of children(span.spanID)) walk(child, depth + 1);
};
for (const root of children(undefined)) walk(root, 0);

const start = Math.min(...trace.spans.map((s) => s.startTime));
const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
const total = Math.max(end - start, 1);
const ms = (us) => `${(us / 1000).toFixed(2)}ms`;
const tag = (span, key) => span.tags?.find((t) => t.key === key)?.value;
const service = (span) => trace.processes[span.processID]?.serviceName ?? '?';
const opened = rows.find(({ span }) => (values.open ? span.operationName === values.open : tag(span, 'gen_ai.operation.name') !== undefined)) ?? rows[0];
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const clip = (text, n) => (String(text).length > n ? `${String(text).slice(0, n - 1)}…` : String(text));

const W = 1200;
const NAME_W = 360;
const ROW_H = 28;
const barX = (us) => NAME_W + 10 + ((us - start) / total) * (W - NAME_W - 30);
const parts = [];
let y;
const text = (x, yy, content, attrs = '') => parts.push(`<text x="${x}" y="${yy}" ${attrs}>${escape(content)}</text>`);

// Header: trace name, start, duration, services, depth, spans (the facts Jaeger's trace header shows).
const root = rows[0].span;
parts.push(`<rect x="0" y="0" width="${W}" height="64" fill="#f5f5f5"/>`);
text(16, 28, `${service(root)}: ${root.operationName}`, 'font-size="18" font-weight="bold"');
text(16, 50, `${trace.traceID}`, 'font-size="12" fill="#666"');
text(
  W - 16,
  50,
  `Trace Start ${new Date(start / 1000).toISOString().replace('T', ' ').slice(0, 23)}   Duration ${ms(total)}   Services ${new Set(trace.spans.map(service)).size}   Depth ${Math.max(...rows.map((r) => r.depth)) + 1}   Total Spans ${rows.length}`,
  'font-size="12" text-anchor="end" fill="#333"',
);
y = 80;
text(16, y, 'Service & Operation', 'font-size="12" font-weight="bold" fill="#555"');
for (let i = 0; i <= 4; i++)
  text(barX(start + (total * i) / 4), y, ms((total * i) / 4), `font-size="11" fill="#777" text-anchor="${i === 4 ? 'end' : 'start'}"`);
y += 10;

const colors = ['#17b8be', '#f8dcc1', '#e2cdf6', '#7ee4b6', '#ffb5a7'];
for (const { span, depth } of rows) {
  const isOpen = span === opened.span;
  parts.push(`<rect x="0" y="${y}" width="${W}" height="${ROW_H}" fill="${isOpen ? '#eef6ff' : '#fff'}" stroke="#e8e8e8"/>`);
  parts.push(`<rect x="${6 + depth * 18}" y="${y + 6}" width="4" height="${ROW_H - 12}" fill="${colors[0]}"/>`);
  const error = tag(span, 'error') === true ? ' ⚠' : '';
  text(16 + depth * 18, y + 18, `${service(span)}  ${clip(span.operationName, 34 - depth * 2)}${error}`, 'font-size="13"');
  const x0 = barX(span.startTime);
  const w = Math.max(barX(span.startTime + span.duration) - x0, 2);
  parts.push(
    `<rect x="${x0}" y="${y + 7}" width="${w}" height="${ROW_H - 14}" rx="2" fill="${colors[depth % colors.length]}" stroke="#999" stroke-width="0.5"/>`,
  );
  text(x0 + w + 6 > W - 80 ? x0 - 6 : x0 + w + 6, y + 18, ms(span.duration), `font-size="11" fill="#555"${x0 + w + 6 > W - 80 ? ' text-anchor="end"' : ''}`);
  y += ROW_H;
  if (!isOpen) continue;

  // The expanded span: its tags as Jaeger lists them (key, value), provenance.* highlighted.
  y += 8;
  text(
    24,
    y + 14,
    `${span.operationName}   Service: ${service(span)}   Duration: ${ms(span.duration)}   Start Time: ${ms(span.startTime - start)}`,
    'font-size="12" fill="#333"',
  );
  y += 26;
  text(24, y + 12, 'Tags', 'font-size="12" font-weight="bold"');
  y += 18;
  for (const t of span.tags) {
    const provenance = t.key.startsWith('provenance.');
    parts.push(`<rect x="20" y="${y}" width="${W - 40}" height="20" fill="${provenance ? '#fff7d6' : '#fafafa'}" stroke="#eee"/>`);
    text(28, y + 14, t.key, `font-size="12" font-family="monospace" fill="#444"${provenance ? ' font-weight="bold"' : ''}`);
    text(380, y + 14, clip(typeof t.value === 'string' ? t.value : JSON.stringify(t.value), 104), 'font-size="12" font-family="monospace" fill="#222"');
    y += 20;
  }
  y += 10;
}
y += 10;
text(
  16,
  y + 12,
  `Rendered from the llm-provenance export --jaeger-json file by render-trace.mjs (Jaeger UI layout, not a screenshot of Jaeger).`,
  'font-size="11" fill="#888"',
);
y += 24;

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
writeFileSync(output, svg);
console.log(`${output}: trace ${trace.traceID}, ${rows.length} spans, "${opened.span.operationName}" expanded with ${opened.span.tags.length} tags`);
