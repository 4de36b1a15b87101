/** What every command shares: where it writes, its error types, its argument parser and the default store. */

/** Where the CLI writes, so tests and embedders can capture output. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

export const processIO: CliIO = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

/**
 * A bad command line or input (unknown option, missing path, not a store or CAR, missing output folder):
 * the CLI prints the message on one line and exits 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes, the same in every command (README "CLI"). */
export const EXIT_OK = 0;
export const EXIT_VERIFY_FAILED = 1;
export const EXIT_USAGE = 2;

/** The store directory: the positional argument, else LLM_PROVENANCE_DIR, else ./.llm-provenance. */
export function defaultStore(positional: string | undefined): string {
  return positional ?? process.env.LLM_PROVENANCE_DIR ?? '.llm-provenance';
}

/**
 * Runs node:util parseArgs (https://nodejs.org/api/util.html#utilparseargsconfig) and turns its errors
 * into one-line UsageErrors that name the option.
 */
export function parsingArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const named = /'([^']+)'/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${named ?? e.message} (llm-provenance ${command} --help lists the options)`);
    }
    throw new UsageError(e.message.split('\n')[0]);
  }
}

/** The option every command takes. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
