/**
 * The `llm-provenance` command: verify, query and export a provenance store or a CAR export of one, and
 * export the store's public key. Exit codes, the same in every command: 0 success, 1 verification
 * failed (tampering or damage found), 2 usage or input error (one line on stderr naming the problem).
 */
import { runExport, EXPORT_USAGE } from './export-command.js';
import { PUBLISH_USAGE, runPublish } from './ipfs-command.js';
import { EXIT_OK, EXIT_USAGE, processIO, UsageError, type CliIO } from './io.js';
import { KEY_USAGE, runKey } from './key-command.js';
import { runQuery, QUERY_USAGE } from './query-command.js';
import { CONSISTENCY_USAGE, runConsistency } from './consistency-command.js';
import { LINEAGE_USAGE, runLineage } from './lineage-command.js';
import { REPORT_USAGE, runReport } from './report-command.js';
import { runVerify, VERIFY_USAGE } from './verify-command.js';

export const USAGE = `usage: llm-provenance <command> [options]
       llm-provenance <command> --help | --help | --version

${VERIFY_USAGE}

${QUERY_USAGE}

${REPORT_USAGE}

${CONSISTENCY_USAGE}

${LINEAGE_USAGE}

${EXPORT_USAGE}

${PUBLISH_USAGE}

${KEY_USAGE}

STORE_DIR defaults to $LLM_PROVENANCE_DIR, else ./.llm-provenance.
Exit codes: 0 success; 1 verification failed (tampering or damage found); 2 usage or input error
(unknown command or option, a path that does not exist or is neither a store nor a CAR, a missing
output folder).`;

const COMMANDS: Record<string, { run: (args: string[], io: CliIO) => number | Promise<number>; usage: string }> = {
  verify: { run: runVerify, usage: VERIFY_USAGE },
  query: { run: runQuery, usage: QUERY_USAGE },
  report: { run: runReport, usage: REPORT_USAGE },
  consistency: { run: runConsistency, usage: CONSISTENCY_USAGE },
  lineage: { run: runLineage, usage: LINEAGE_USAGE },
  export: { run: runExport, usage: EXPORT_USAGE },
  publish: { run: runPublish, usage: PUBLISH_USAGE },
  key: { run: runKey, usage: KEY_USAGE },
};

/** "verify, query, ... or key": the commands, for error messages. */
function commandList(): string {
  const names = Object.keys(COMMANDS);
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

export interface MainOptions {
  /** What `--version` prints (the bin passes its package's version). */
  version?: string;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export function main(argv: string[], io: CliIO = processIO, options: MainOptions = {}): Promise<number> {
  return runCommand(argv, io, options);
}

async function runCommand(argv: string[], io: CliIO, options: MainOptions): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(USAGE);
    return EXIT_USAGE;
  }
  if (command === '--help' || command === '-h') {
    io.out(USAGE);
    return EXIT_OK;
  }
  if (command === '--version' || command === '-V') {
    io.out(`llm-provenance ${options.version ?? 'unknown'}`);
    return EXIT_OK;
  }
  if (command === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    if (rest[0] !== undefined && !topic) {
      io.err(`llm-provenance: unknown command ${JSON.stringify(rest[0])} (expected ${commandList()})`);
      return EXIT_USAGE;
    }
    io.out(topic ? topic.usage : USAGE);
    return EXIT_OK;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    const what = command.startsWith('-') ? `option ${command}` : `command ${JSON.stringify(command)}`;
    io.err(`llm-provenance: unknown ${what} (expected ${commandList()}; llm-provenance --help lists them)`);
    return EXIT_USAGE;
  }
  try {
    return await entry.run(rest, io);
  } catch (err) {
    // Usage and input errors (UsageError, with parseArgs' errors turned into them) end here: one line
    // naming the problem, exit 2. Anything else is unexpected: the same one line, also exit 2.
    const message = err instanceof UsageError ? err.message : (err as Error).message;
    io.err(`llm-provenance ${command}: ${message.split('\n')[0]}`);
    return EXIT_USAGE;
  }
}
