/** `llm-provenance verify [STORE_DIR | EXPORT.car] [--json] [--key HEX]...` */
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatFailure } from '../verify/failure.js';
import type { VerifyReport } from '../verify/report.js';
import { verifyCar } from '../verify/verify-car.js';
import { verifyStore } from '../verify/verify-store.js';
import { defaultStore, UsageError, type CliIO } from './io.js';

export const VERIFY_USAGE = `llm-provenance verify [STORE_DIR | EXPORT.car] [--json] [--key HEX]...
  Recomputes every CID from the stored bytes (every copy of every block) and checks canonical DAG-JSON,
  the seq/prev chain of every log, payload and resource links, checkpoint Merkle roots and Ed25519
  signatures, streaming the files. Exit 0 when everything holds, 1 at the first failure (printed first),
  2 on usage errors or unreadable input (e.g. a store of another format version).
  --key HEX   trust only this Ed25519 public key (raw 32 bytes or its sha256 fingerprint, hex); repeatable
  --json      print the full report as JSON`;

/** Human summary: `FAIL <first failure>` then further failures, or `OK ...`; then notes. */
export function formatReport(report: VerifyReport, maxFailures = 20): string[] {
  const lines: string[] = [];
  const records = report.logs.reduce((n, l) => n + l.records, 0);
  const signed = report.logs.reduce((n, l) => n + l.signedSize, 0);
  const checkpoints = report.logs.reduce((n, l) => n + l.checkpoints, 0);
  const dropped = report.logs.reduce((n, l) => n + l.dropped, 0);
  const drops = dropped > 0 ? `; the exporter recorded ${dropped} dropped span(s)` : '';
  const what = `${report.type} ${report.source}: ${report.logs.length} log(s), ${records} record(s) (${signed} under verified checkpoints), ${report.blocks} block(s), ${checkpoints} checkpoint(s)${drops}`;
  if (report.ok) lines.push(`OK ${what}`);
  else {
    lines.push(`FAIL ${formatFailure(report.failures[0]!)}`);
    for (const f of report.failures.slice(1, maxFailures)) lines.push(`  also ${formatFailure(f)}`);
    if (report.failures.length > maxFailures) lines.push(`  ... ${report.failures.length - maxFailures} more failure(s)`);
    lines.push(`checked ${what}`);
  }
  for (const n of report.notes) {
    lines.push(`note: ${n.file}${n.line !== undefined ? `:${n.line}` : ''} ${n.detail}`);
  }
  return lines;
}

export function runVerify(args: string[], io: CliIO): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, key: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(VERIFY_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`verify takes one store directory or CAR file, got ${positionals.length}: ${positionals.join(' ')}`);
  const target = defaultStore(positionals[0]);
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    throw new UsageError(`${target} does not exist (expected a store directory or a .car file)`);
  }
  const options = { trustedKeys: values.key };
  const report = isDir ? verifyStore(target, options) : verifyCar(target, options);
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else formatReport(report).forEach((l) => io.out(l));
  return report.ok ? 0 : 1;
}
