import { DiagLogLevel, diag } from '@opentelemetry/api';

/** Records diag warnings (a component logger prefixes its namespace) while `fn` runs. */
export async function captureDiagWarnings(fn: () => unknown): Promise<string[]> {
  const warnings: string[] = [];
  const noop = () => {};
  diag.setLogger(
    { warn: (...args: unknown[]) => warnings.push(args.join(' ')), error: noop, info: noop, debug: noop, verbose: noop },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  try {
    await fn();
  } finally {
    diag.disable();
  }
  return warnings;
}

/**
 * Sends every diag warning and error, for the rest of the file's run, to the returned array. Component
 * loggers call `warn(namespace, message)`: every argument is kept.
 */
export function collectDiagWarnings(): string[] {
  const warnings: string[] = [];
  const keep = (...args: unknown[]) => warnings.push(args.join(' '));
  diag.setLogger({ error: keep, warn: keep, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  return warnings;
}
