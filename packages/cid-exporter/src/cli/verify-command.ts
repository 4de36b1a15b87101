/** `llm-provenance verify [STORE_DIR | EXPORT.car] [--json] [--key DID_KEY | --key FILE]... [--expect-head FILE]` */
import { parseArgs } from 'node:util';
import { readFileSync, statSync } from 'node:fs';
import { formatFailure } from '../verify/failure.js';
import type { StoreHeadEntry, VerifyReport } from '../verify/report.js';
import { parseWitnessEntries } from '../verify/witness-claims.js';
import { verifyCar } from '../verify/verify-car.js';
import { verifyStore } from '../verify/verify-store.js';
import { DID_KEY_PREFIX, parseEd25519DidKey } from '../key/did-key.js';
import { FROM_IPFS_USAGE, runVerifyFromIpfs } from './ipfs-command.js';
import { inputKind } from './input.js';
import { defaultStore, EXIT_OK, EXIT_VERIFY_FAILED, HELP_OPTION, parsingArgs, UsageError, type CliIO } from './io.js';

export const VERIFY_USAGE = `llm-provenance verify [STORE_DIR | EXPORT.car] [--key DID_KEY | --key FILE]... [--expect-head FILE] [--json]
  Recomputes every CID from the stored bytes (every copy of every block) and checks canonical DAG-JSON,
  the seq/prev chain of every log, payload and resource links, checkpoint Merkle roots and Ed25519
  signatures, streaming the files. Exit 0 when everything holds, 1 when tampering or damage is found
  (the first failure is printed first), 2 on usage or input errors (not a store or CAR, missing path).
  --key K     trust only this signer: the store's public key as did:key:z6Mk..., or a file holding it
              (llm-provenance key export writes one); repeatable. Default: the store's own key file
  --expect-head FILE
              a store head recorded earlier (the "storeHead" of a --json report, or the whole report):
              every log it lists must still be there with at least its records, unchanged
  --json      print the full report as JSON
${FROM_IPFS_USAGE}`;

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
  if (report.ok && report.publicKeys.length) lines.push(`signed by ${report.publicKeys.join(', ')}`);
  lines.push(`store head ${report.storeHead.cid} (record it elsewhere; --expect-head checks a store against it)`);
  for (const n of report.notes) {
    lines.push(`note: ${n.file}${n.line !== undefined ? `:${n.line}` : ''} ${n.detail}`);
  }
  return lines;
}

/** A `--expect-head` file: a store head (`{"logs": [...]}`) or a whole `--json` report holding one. */
function readExpectedHead(file: string): { source: string; logs: StoreHeadEntry[] } {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--expect-head ${file}: ${(err as Error).message}`);
  }
  const head = (value as { storeHead?: unknown } | null)?.storeHead ?? value;
  const logs = parseWitnessEntries((head as { logs?: unknown } | null)?.logs);
  if (typeof logs === 'string') throw new UsageError(`--expect-head ${file}: not a store head (its "logs": ${logs})`);
  return { source: file, logs };
}

/** A `--key` value: a did:key, or a file whose content (surrounding whitespace aside) is one. */
export function resolveKeyArgument(value: string): string {
  if (value.startsWith('did:')) {
    try {
      parseEd25519DidKey(value);
    } catch (err) {
      throw new UsageError(`--key: ${(err as Error).message}`);
    }
    return value;
  }
  let isFile = false;
  try {
    isFile = statSync(value).isFile();
  } catch {
    // not a file: named below
  }
  if (!isFile) {
    throw new UsageError(
      `--key ${value}: neither a did:key (${DID_KEY_PREFIX}6Mk...) nor a file holding one (llm-provenance key export writes the store's public key as a did:key)`,
    );
  }
  const text = readFileSync(value, 'utf8').trim();
  try {
    parseEd25519DidKey(text);
  } catch (err) {
    throw new UsageError(`--key ${value}: ${(err as Error).message}`);
  }
  return text;
}

export function runVerify(args: string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parsingArgs('verify', () =>
    parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...HELP_OPTION,
        json: { type: 'boolean' },
        key: { type: 'string', multiple: true },
        'expect-head': { type: 'string' },
        'from-ipfs': { type: 'string' },
        peer: { type: 'string', multiple: true },
        kubo: { type: 'string' },
        'block-timeout': { type: 'string' },
      },
    }),
  );
  if (values.help) {
    io.out(VERIFY_USAGE);
    return EXIT_OK;
  }
  const fromIpfs = values['from-ipfs'];
  if (fromIpfs === undefined && (values.peer || values.kubo !== undefined || values['block-timeout'] !== undefined))
    throw new UsageError('--peer, --kubo and --block-timeout go with --from-ipfs CID');
  if (fromIpfs !== undefined) {
    if (positionals.length > 0) throw new UsageError(`verify --from-ipfs takes no store directory or CAR file, got ${positionals.join(' ')}`);
    const expectedHead = values['expect-head'];
    const options = { trustedKeys: values.key?.map(resolveKeyArgument), expectHead: expectedHead === undefined ? undefined : readExpectedHead(expectedHead) };
    return runVerifyFromIpfs(fromIpfs, { peers: values.peer, kubo: values.kubo, blockTimeout: values['block-timeout'] }, options, (report) => {
      if (values.json) io.out(JSON.stringify(report, null, 2));
      else formatReport(report).forEach((l) => io.out(l));
    });
  }
  if (positionals.length > 1) throw new UsageError(`verify takes one store directory or CAR file, got ${positionals.length}: ${positionals.join(' ')}`);
  const target = defaultStore(positionals[0]);
  const kind = inputKind(target);
  const expected = values['expect-head'];
  const options = { trustedKeys: values.key?.map(resolveKeyArgument), expectHead: expected === undefined ? undefined : readExpectedHead(expected) };
  let report: VerifyReport;
  try {
    report = kind === 'store' ? verifyStore(target, options) : verifyCar(target, options);
  } catch (err) {
    // a file verify cannot read (permissions, an unreadable key file, another format version)
    throw new UsageError((err as Error).message);
  }
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else formatReport(report).forEach((l) => io.out(l));
  return report.ok ? EXIT_OK : EXIT_VERIFY_FAILED;
}
