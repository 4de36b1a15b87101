/** `llm-provenance report [STORE_DIR | EXPORT.car] [--by DIMS] [filters] [--json]` */
import { parseArgs } from 'node:util';
import { DIMENSIONS, type CallFilter, type Dimension } from '../report/calls.js';
import { buildConsistency } from '../report/consistency.js';
import { renderReportHtml } from '../report/html.js';
import { buildHtmlDetails } from '../report/html-data.js';
import { buildReport, formatReportTable } from '../report/report.js';
import { realpathSync, writeFileSync } from 'node:fs';
import { StoreIndex, type IndexMode } from '../query/store-index/store-index.js';
import { inputKind } from './input.js';
import { defaultStore, EXIT_OK, HELP_OPTION, parsingArgs, UsageError, type CliIO } from './io.js';

/** --index / --no-index, shared by report, consistency and query. */
export const INDEX_OPTIONS = { index: { type: 'boolean' }, 'no-index': { type: 'boolean' } } as const;

export const INDEX_USAGE = `  --index     build or refresh each store's index (index/spans.sqlite beside its logs) and answer from it
  --no-index  read the logs even where a fresh index exists
  Without either, a store's index is used when it is fresh (it still covers every log byte for byte);
  a stale or missing one is bypassed. The index needs SQLite: node:sqlite (Node >= 22.13) or better-sqlite3.`;

export const REPORT_USAGE = `llm-provenance report [STORE_DIR | EXPORT.car]... [--by DIMS] [filters] [--json | --html FILE [--source-label TEXT]]
  Calls, errors, input/output/cached/reasoning tokens, cost per currency, latency p50/p95/p99 and time
  to first token of the GenAI calls, one row per group, then the totals. Several stores or CARs (e.g. one
  per machine) are read as one: every log of every one, merged by span start, then trace id.
  --by DIMS   comma-separated, any of ${DIMENSIONS.join(',')} (default provider,model)
  Filters: --since ISO (inclusive) --until ISO (exclusive) --provider P --model M --user U --task T
  --json      print {"groups":[...],"totals":{...}}: each group's --by dimensions, then its figures
  --html FILE write the report as one self-contained HTML page: the groups, the calls over time, the
              slowest and most expensive calls, a trace waterfall and the consistency groups
  --source-label TEXT  how the page names what it read (default: the stores and CARs as given)
${INDEX_USAGE}`;

/** The shared filter options of report and consistency. */
export const FILTER_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  provider: { type: 'string' },
  model: { type: 'string' },
  user: { type: 'string' },
  task: { type: 'string' },
} as const;

/** The index mode of parsed options; a note on stderr when --index cannot be honoured (no engine). */
export function indexMode(values: { index?: boolean; 'no-index'?: boolean }, io: CliIO): IndexMode {
  if (values.index && values['no-index']) throw new UsageError('--index and --no-index exclude each other');
  if (values['no-index']) return 'off';
  if (!values.index) return 'auto';
  if (!StoreIndex.engine()) {
    io.err('note: no SQLite engine for the index (node:sqlite needs Node >= 22.13; on older Node install better-sqlite3): reading the logs');
  }
  return 'refresh';
}

/** The filter from parsed options, with the dates checked so a bad one is named before anything is read. */
export function callFilter(values: Partial<Record<keyof typeof FILTER_OPTIONS, string>>): CallFilter {
  const filter: CallFilter = {};
  for (const k of Object.keys(FILTER_OPTIONS) as Array<keyof typeof FILTER_OPTIONS>) if (values[k] !== undefined) filter[k] = values[k];
  for (const k of ['since', 'until'] as const) {
    const v = filter[k];
    if (v !== undefined && (!/^\d{4}-\d\d-\d\d/.test(v) || Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)))) {
      throw new UsageError(`--${k} must be an ISO 8601 date or time such as 2026-12-01 or 2026-12-01T09:30:00Z, got ${JSON.stringify(v)}`);
    }
    // a bare date means its midnight UTC
    if (v !== undefined && v.length === 10) filter[k] = `${v}T00:00:00Z`;
  }
  return filter;
}

/**
 * The stores or CARs a read command that merges logs takes (one per process or machine; none means the
 * default store), each checked.
 */
export function sourceArguments(positionals: string[]): string[] {
  const sources = positionals.length === 0 ? [defaultStore(undefined)] : positionals;
  const seen = new Set<string>();
  for (const s of sources) {
    inputKind(s);
    // the same store twice would count every call twice
    const real = realpathSync(s);
    if (seen.has(real)) throw new UsageError(`${s} is given twice (each store or CAR once: its calls would be counted twice)`);
    seen.add(real);
  }
  return sources;
}

/** The one store or CAR a read command takes, checked. */
export function sourceArgument(command: string, positionals: string[]): string {
  if (positionals.length > 1) throw new UsageError(`${command} takes one store directory or CAR file, got ${positionals.length}: ${positionals.join(' ')}`);
  const source = defaultStore(positionals[0]);
  inputKind(source);
  return source;
}

function parseBy(text: string | undefined): Dimension[] {
  if (text === undefined) return ['provider', 'model'];
  const names = text.split(',').map((s) => s.trim());
  const out: Dimension[] = [];
  for (const name of names) {
    if (!(DIMENSIONS as readonly string[]).includes(name)) {
      throw new UsageError(`--by: unknown dimension ${JSON.stringify(name)} (expected any of ${DIMENSIONS.join(', ')})`);
    }
    if (out.includes(name as Dimension)) throw new UsageError(`--by: dimension ${name} is given twice`);
    out.push(name as Dimension);
  }
  return out;
}

export function runReport(args: string[], io: CliIO): number {
  const { values, positionals } = parsingArgs('report', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...HELP_OPTION,
        ...FILTER_OPTIONS,
        ...INDEX_OPTIONS,
        by: { type: 'string' },
        json: { type: 'boolean' },
        html: { type: 'string' },
        'source-label': { type: 'string' },
      },
    }),
  );
  if (values.help) {
    io.out(REPORT_USAGE);
    return EXIT_OK;
  }
  if (values['source-label'] !== undefined && values.html === undefined)
    throw new UsageError('--source-label names the source on the --html page; give --html FILE too');
  const by = parseBy(values.by);
  const filter = callFilter(values);
  const sources = sourceArguments(positionals);
  const read = { index: indexMode(values, io), note: (text: string) => io.err(`note: ${text}`) };
  let report;
  try {
    report = buildReport(sources, { ...filter, ...read, by });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.html !== undefined) {
    const label = values['source-label'] ?? sources.join(', ');
    const page = renderReportHtml(report, by, buildConsistency(sources, { ...filter, ...read }), label, buildHtmlDetails(sources, filter));
    try {
      writeFileSync(values.html, page);
    } catch (err) {
      throw new UsageError(`--html: cannot write ${values.html}: ${(err as Error).message}`);
    }
    io.out(`wrote ${values.html}`);
    return EXIT_OK;
  }
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else formatReportTable(report, by).forEach((l) => io.out(l));
  return EXIT_OK;
}
