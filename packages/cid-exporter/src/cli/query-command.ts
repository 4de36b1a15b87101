/** `llm-provenance query [STORE_DIR | EXPORT.car] [filters] [--limit N] [--json] [--content]` */
import { parseArgs } from 'node:util';
import { describeResult, formatMatchCount, formatRecordView } from '../query/describe.js';
import { formatDropSummary, query, type QueryFilter } from '../query/query.js';
import { INDEX_OPTIONS, INDEX_USAGE, indexMode, sourceArguments } from './report-command.js';
import { EXIT_OK, HELP_OPTION, parsingArgs, UsageError, type CliIO } from './io.js';

export const QUERY_USAGE = `llm-provenance query [STORE_DIR | EXPORT.car]... [filters] [--limit N] [--json] [--content]
  The recorded calls matching every filter, newest first: time, provider, model, operation, status,
  duration; user/task/worker when set; tokens, cost, a one-line preview of the last input message and of
  the output; then the record, input and output CIDs. Ends with "N records match". Filters:
  --model M --provider P --operation O --user U --task T --worker W --route R --trace-id X
  --since ISO (inclusive) --until ISO (exclusive) --status ok|error --input-cid C --output-cid C
  --limit N   at most N records (the newest)
  --content   print the full prompts and outputs
  --json      print every matching record as JSON (all its fields, prompts and outputs included)
  Several stores or CARs (e.g. one per machine) are searched as one.
  Logs that recorded spans dropped by the exporter are named on stderr.
${INDEX_USAGE}`;

export function runQuery(args: string[], io: CliIO): number {
  const { values, positionals } = parsingArgs('query', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...HELP_OPTION,
        model: { type: 'string' },
        provider: { type: 'string' },
        operation: { type: 'string' },
        user: { type: 'string' },
        task: { type: 'string' },
        worker: { type: 'string' },
        route: { type: 'string' },
        'trace-id': { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        status: { type: 'string' },
        'input-cid': { type: 'string' },
        'output-cid': { type: 'string' },
        limit: { type: 'string' },
        ...INDEX_OPTIONS,
        json: { type: 'boolean' },
        content: { type: 'boolean' },
      },
    }),
  );
  if (values.help) {
    io.out(QUERY_USAGE);
    return EXIT_OK;
  }
  if (values.status !== undefined && values.status !== 'ok' && values.status !== 'error') {
    throw new UsageError(`--status must be ok or error, got ${JSON.stringify(values.status)}`);
  }
  let limit: number | undefined;
  if (values.limit !== undefined) {
    if (!/^[0-9]+$/.test(values.limit)) throw new UsageError(`--limit must be a non-negative integer, got ${JSON.stringify(values.limit)}`);
    limit = Number(values.limit);
  }
  const filter: QueryFilter = {
    model: values.model,
    provider: values.provider,
    operation: values.operation,
    user: values.user,
    task: values.task,
    worker: values.worker,
    route: values.route,
    traceId: values['trace-id'],
    since: values.since,
    until: values.until,
    status: values.status,
    inputCid: values['input-cid'],
    outputCid: values['output-cid'],
    limit,
  };
  for (const k of Object.keys(filter) as Array<keyof QueryFilter>) if (filter[k] === undefined) delete filter[k];
  const sources = sourceArguments(positionals);
  const mode = indexMode(values, io);
  let outcome;
  try {
    outcome = query(sources, filter, { payloads: true, index: mode, note: (text) => io.err(`note: ${text}`) });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const views = outcome.results.map(describeResult);
  if (values.json) io.out(JSON.stringify(views, null, 2));
  else {
    for (const v of views) {
      formatRecordView(v, { content: values.content }).forEach((l) => io.out(l));
      io.out('');
    }
    io.out(formatMatchCount(outcome.matched, views.length));
  }
  for (const d of outcome.dropped) io.err(formatDropSummary(d));
  return EXIT_OK;
}
