/** `llm-provenance consistency [STORE_DIR | EXPORT.car] [filters] [--all] [--json]` */
import { parseArgs } from 'node:util';
import { buildConsistency, formatConsistency } from '../report/consistency.js';
import { EXIT_OK, HELP_OPTION, parsingArgs, UsageError, type CliIO } from './io.js';
import { callFilter, FILTER_OPTIONS, INDEX_OPTIONS, INDEX_USAGE, indexMode, sourceArguments } from './report-command.js';

export const CONSISTENCY_USAGE = `llm-provenance consistency [STORE_DIR | EXPORT.car]... [filters] [--all] [--json]
  GenAI calls grouped by input CID (the same prompt), showing the inputs asked more than once whose
  outputs differ: calls, each distinct output CID with its count, models and times, a short diff of the
  output texts where content was captured, and the sampling parameters (temperature, seed, top_p).
  Failed calls are left out. Filters as for report. Several stores or CARs are read as one (as report).
  --all       also show repeated inputs whose outputs all agree
  --json      print {"groups":[...],"summary":{...}}
${INDEX_USAGE}`;

export function runConsistency(args: string[], io: CliIO): number {
  const { values, positionals } = parsingArgs('consistency', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...HELP_OPTION, ...FILTER_OPTIONS, ...INDEX_OPTIONS, all: { type: 'boolean' }, json: { type: 'boolean' } },
    }),
  );
  if (values.help) {
    io.out(CONSISTENCY_USAGE);
    return EXIT_OK;
  }
  const filter = callFilter(values);
  const sources = sourceArguments(positionals);
  const mode = indexMode(values, io);
  let report;
  try {
    report = buildConsistency(sources, { ...filter, all: values.all, index: mode, note: (text) => io.err(`note: ${text}`) });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else formatConsistency(report).forEach((l) => io.out(l));
  return EXIT_OK;
}
