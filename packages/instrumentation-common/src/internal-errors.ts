import { diag, type DiagLogger } from '@opentelemetry/api';

/**
 * Reports a failure inside instrumentation code without ever throwing into the user's call.
 * Each distinct `where` is logged once per reporter (OTel diag, error level): a bug in a mapper that
 * fires on every call must not flood the application's logs.
 */
export class InternalErrorReporter {
  private readonly seen = new Set<string>();

  constructor(private readonly logger: DiagLogger = diag) {}

  report(where: string, err: unknown): void {
    try {
      if (this.seen.has(where)) return;
      this.seen.add(where);
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.logger.error(`llm-provenance instrumentation failed in ${where} (the user's call is unaffected): ${detail}`);
    } catch {
      // Logging itself failed: nothing else we can safely do.
    }
  }

  /** Runs `fn`; if it throws, reports under `where` and returns `fallback`. */
  guard<T>(where: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      this.report(where, err);
      return fallback;
    }
  }
}
