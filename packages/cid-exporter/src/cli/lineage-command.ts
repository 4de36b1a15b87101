/** `llm-provenance lineage CID [STORE_DIR | EXPORT.car] [--depth N] [--json]` */
import { parseArgs } from 'node:util';
import { assertCidText, buildLineage, DEFAULT_DEPTH, formatLineage } from '../report/lineage.js';
import { EXIT_OK, HELP_OPTION, parsingArgs, UsageError, type CliIO } from './io.js';
import { sourceArgument } from './report-command.js';

export const LINEAGE_USAGE = `llm-provenance lineage CID [STORE_DIR | EXPORT.car] [--depth N] [--json]
  Everything upstream and downstream of a payload, block or record CID: the records that produced it
  (and what produced their inputs), the records that used it as input (and what used their outputs),
  each with the spans it ran inside (agent, tool) and the S3 object it names where recorded.
  --depth N   levels followed each way (default ${DEFAULT_DEPTH})
  --json      print the tree as JSON`;

export function runLineage(args: string[], io: CliIO): number {
  const { values, positionals } = parsingArgs('lineage', () =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { ...HELP_OPTION, depth: { type: 'string' }, json: { type: 'boolean' } } }),
  );
  if (values.help) {
    io.out(LINEAGE_USAGE);
    return EXIT_OK;
  }
  const [cid, ...rest] = positionals;
  if (cid === undefined) throw new UsageError('lineage needs the CID to trace (llm-provenance lineage CID [STORE_DIR | EXPORT.car])');
  try {
    assertCidText(cid);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let depth = DEFAULT_DEPTH;
  if (values.depth !== undefined) {
    if (!/^[0-9]+$/.test(values.depth)) throw new UsageError(`--depth must be a non-negative integer, got ${JSON.stringify(values.depth)}`);
    depth = Number(values.depth);
  }
  const source = sourceArgument('lineage', rest);
  let lineage;
  try {
    lineage = buildLineage(source, cid, { depth });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.json) io.out(JSON.stringify(lineage, null, 2));
  else formatLineage(lineage).forEach((l) => io.out(l));
  return EXIT_OK;
}
