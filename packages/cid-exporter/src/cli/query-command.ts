/** `llm-provenance query [STORE | EXPORT.car] --model M ... --limit N --json` */
import { parseArgs } from 'node:util';
import { formatDropSummary, formatQueryResult, query, type QueryFilter } from '../query/query.js';
import { defaultStore, UsageError, type CliIO } from './io.js';

export const QUERY_USAGE = `llm-provenance query [STORE_DIR | EXPORT.car] [filters] [--limit N] [--json]
  Span records matching every filter, newest first. Filters:
  --model M --provider P --operation O --user U --task T --worker W --route R --trace-id X
  --since ISO (inclusive) --until ISO (exclusive) --status ok|error --input-cid C --output-cid C
  Logs that recorded spans dropped by the exporter are named on stderr.`;

export function runQuery(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
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
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(QUERY_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`query takes one store directory or CAR file, got ${positionals.length}: ${positionals.join(' ')}`);
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
  let outcome;
  try {
    outcome = query(defaultStore(positionals[0]), filter);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.json) io.out(JSON.stringify(outcome.results, null, 2));
  else outcome.results.forEach((r) => io.out(formatQueryResult(r)));
  for (const d of outcome.dropped) io.err(formatDropSummary(d));
  return 0;
}
