import { diag } from '@opentelemetry/api';

/** What the exit hooks drive (implemented by start()). */
export interface ExitHookTarget {
  /**
   * For a signal the app handles: stores and checkpoints everything buffered, then forwards within the
   * shutdown budget; tracing keeps working afterwards.
   */
  flush(): Promise<void>;
  /** Flushes, writes the final checkpoint, closes the store (removing its lock) and stops tracing. */
  shutdown(): Promise<void>;
  /** Synchronously puts every ended span into the store and closes it (for the 'exit' event). */
  flushSync(): void;
}

export interface ExitHookOptions {
  /** Longest wait on a signal before the process exits anyway (a safety net: shutdown bounds itself). */
  timeoutMillis: number;
  signals?: readonly NodeJS.Signals[];
}

/**
 * Makes a short script lose nothing, and leaves the store cleanly closed whenever the process lets us:
 * - `beforeExit` (the event loop ran dry, the app has nothing left to do): shut down (the store first,
 *   then forwarding within the shutdown budget), then exit with the app's exit code, as Node would have:
 *   an OTLP exporter still retrying a collector that is down must not keep the process alive. When the
 *   app listens to `beforeExit` itself, the work it scheduled there may still be under way, so we do not
 *   exit for it; the process ends when the event loop runs dry again.
 * - SIGTERM / SIGINT with no other listener: shut down (the store first, then forwarding within the
 *   budget; `timeoutMillis` is a safety net), then re-raise the signal with our listener removed, so the
 *   process dies of that signal exactly as it would have without us (exit status 128 + signal number). A
 *   second signal while we wait re-raises at once.
 * - SIGTERM / SIGINT when the app has its own listener: the app decides when and whether to exit; we only
 *   store and checkpoint (first), forward within the budget, and keep tracing.
 * - `exit` (also after `process.exit()` and an uncaught exception, which skip `beforeExit`): nothing can be
 *   awaited there, so every span that has ended is written to the store synchronously (fsynced, final signed
 *   checkpoint, lock removed). Spans not yet forwarded to OTLP/console then reach the store only.
 * Returns a function that removes the hooks.
 */
export function installExitHooks(target: ExitHookTarget, options: ExitHookOptions): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let shuttingDown = false;

  const onBeforeExit = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    const appListens = process.listenerCount('beforeExit') > 1;
    target
      .shutdown()
      .catch(report('shutdown before exit'))
      .finally(() => {
        if (!appListens) process.exit();
      });
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) {
      void withTimeout(target.flush(), options.timeoutMillis).catch(report(`flush on ${signal}`));
      return;
    }
    if (shuttingDown) return reraise(signal);
    shuttingDown = true;
    void withTimeout(target.shutdown(), options.timeoutMillis)
      .catch(report(`shutdown on ${signal}`))
      .finally(() => reraise(signal));
  };

  const onExit = () => {
    try {
      target.flushSync();
    } catch (error) {
      // Never change how the process exits (its code, the app's own error output).
      report('storing spans at exit')(error);
    }
  };

  const uninstall = () => {
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
    for (const signal of signals) process.removeListener(signal, onSignal);
  };

  const reraise = (signal: NodeJS.Signals) => {
    uninstall();
    process.kill(process.pid, signal);
  };

  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  for (const signal of signals) process.on(signal, onSignal);
  return uninstall;
}

function report(what: string) {
  return (error: unknown) => {
    diag.error(`@llm-provenance/auto-instrumentations: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  };
}

/** Rejects after `millis`; the timer stays referenced so the process waits for the outcome. */
function withTimeout(promise: Promise<void>, millis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${millis} ms`)), millis);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
