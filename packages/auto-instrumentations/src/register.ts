import { isMainThread } from 'node:worker_threads';
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { ConfigError } from './config.js';
import { entryIsEsModule, registerEsmLoaderHook } from './esm-hook.js';
import { installHttpPropagation, w3cPropagationWanted } from './http-propagation.js';
import { start, type ProvenanceSDK } from './start.js';

const REGISTERED = Symbol.for('@llm-provenance/auto-instrumentations.registered');

export interface RegisterOptions {
  /**
   * `module` (node --import) registers the ES module loader hook first; await the result's `ready`.
   * `commonjs` (node --require) registers it only when the app's entry point is an ES module.
   */
  moduleSystem: 'commonjs' | 'module';
}

/**
 * What the `register` entry points run, synchronously: start() configured by environment variables only,
 * once per process (both entries may be given, and the CJS and ESM builds are separate module instances),
 * and on the main thread only (worker threads inherit --require/--import but share the process's tracing).
 * A configuration error is printed to stderr and leaves the app running uninstrumented rather than not
 * running. A store that cannot be opened is reported on stderr too, and the other exporters keep working.
 */
export function registerFromEnvironment(options: RegisterOptions): ProvenanceSDK | undefined {
  if (!isMainThread) return undefined;
  const global = globalThis as { [REGISTERED]?: ProvenanceSDK };
  const registered = global[REGISTERED];
  if (registered) {
    // `--require` of a CommonJS entry and then `--import` too: the ES module side still needs the hook.
    if (options.moduleSystem === 'module' && registered.enabled && !registered.esmLoaderHook) {
      global[REGISTERED] = { ...registered, esmLoaderHook: true, ready: registerEsmLoaderHook(registered.patchedModules)() };
    }
    return global[REGISTERED];
  }
  // We own the process's OTel setup here, so warnings (a skipped backend, a failing export) should be seen.
  if (process.env.OTEL_LOG_LEVEL === undefined) diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  try {
    // Under --require the app may still be an ES module; it then needs the loader hook too, registered
    // synchronously with the module names (a preload cannot wait for acknowledgements).
    const esmLoaderHook = options.moduleSystem === 'module' ? true : entryIsEsModule(process.argv[1]) ? 'after' : false;
    global[REGISTERED] = start({}, { esmLoaderHook });
    if (w3cPropagationWanted()) installHttpPropagation();
  } catch (error) {
    const what = error instanceof ConfigError ? 'configuration error' : 'cannot start';
    console.error(`@llm-provenance/auto-instrumentations: ${what}: ${error instanceof Error ? error.message : String(error)}; tracing is OFF for this process`);
    return undefined;
  }
  return global[REGISTERED];
}
