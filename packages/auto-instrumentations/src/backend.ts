import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import { localRequire } from './local-require.js';

/** One backend in the instrumentation list: what to load and what to call it. */
export interface InstrumentationEntry {
  /** Short name used by OTEL_NODE_ENABLED_INSTRUMENTATIONS / OTEL_NODE_DISABLED_INSTRUMENTATIONS, e.g. `openai`. */
  readonly name: string;
  /** npm package that exports the instrumentation class. */
  readonly packageName: string;
  /** Name of the exported class. */
  readonly exportName: string;
  /** Loads the package and constructs the instrumentation. Throws if the package cannot be loaded. */
  create(config?: InstrumentationConfig): Instrumentation;
}

type InstrumentationClass = new (config?: InstrumentationConfig) => Instrumentation;

/**
 * Describes a backend whose instrumentation class `exportName` is exported by `packageName`.
 * Nothing is loaded until `create()` is called, so one broken package cannot stop the others.
 */
export function backend(name: string, packageName: string, exportName: string): InstrumentationEntry {
  return {
    name,
    packageName,
    exportName,
    create(config) {
      // Loaded with require() in both builds: it is synchronous, so the instrumentation is in place
      // before `node --require` hands over to the app, and a failure is an exception we can catch.
      const exports = localRequire(packageName) as Record<string, unknown>;
      const Ctor = exports[exportName];
      if (typeof Ctor !== 'function') {
        throw new TypeError(`${packageName} does not export a class named ${exportName}`);
      }
      return new (Ctor as InstrumentationClass)(config);
    },
  };
}
