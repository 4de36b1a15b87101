/** Where the CLI writes, so tests and embedders can capture output. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

export const processIO: CliIO = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

/** Thrown for bad command lines: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The store directory: the positional argument, else LLM_PROVENANCE_DIR, else ./.llm-provenance. */
export function defaultStore(positional: string | undefined): string {
  return positional ?? process.env.LLM_PROVENANCE_DIR ?? '.llm-provenance';
}
