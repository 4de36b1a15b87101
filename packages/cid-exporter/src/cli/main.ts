/**
 * The `llm-provenance` command: verify, query and export a provenance store.
 * Exit codes: 0 success, 1 verification failed, 2 bad usage or unreadable input.
 */
import { runExport, EXPORT_USAGE } from './export-command.js';
import { processIO, type CliIO } from './io.js';
import { runQuery, QUERY_USAGE } from './query-command.js';
import { runVerify, VERIFY_USAGE } from './verify-command.js';

export const USAGE = `usage: llm-provenance <command> [options]

${VERIFY_USAGE}

${QUERY_USAGE}

${EXPORT_USAGE}

The store defaults to $LLM_PROVENANCE_DIR, else ./.llm-provenance.`;

const COMMANDS: Record<string, (args: string[], io: CliIO) => number> = {
  verify: runVerify,
  query: runQuery,
  export: runExport,
};

/**
 * Runs the CLI with `argv` (without node and script); resolves to the exit code. The commands run
 * synchronously today; the promise keeps the API open to commands that do not.
 */
export function main(argv: string[], io: CliIO = processIO): Promise<number> {
  return new Promise((resolve) => resolve(runCommand(argv, io)));
}

function runCommand(argv: string[], io: CliIO): number {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`llm-provenance: unknown command ${JSON.stringify(command)} (expected verify, query or export)`);
    return 2;
  }
  try {
    return run(rest, io);
  } catch (err) {
    // Usage errors (ours, and node:util parseArgs' ERR_PARSE_ARGS_*) and unreadable input (a missing
    // store, a permission error) both end here: one line naming the problem, exit 2.
    io.err(`llm-provenance ${command}: ${(err as Error).message}`);
    return 2;
  }
}
