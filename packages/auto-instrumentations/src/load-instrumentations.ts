import { diag } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { InstrumentationEntry } from './backend.js';

export interface LoadInstrumentationsOptions {
  /** Only these names (undefined: all). */
  enabled?: readonly string[];
  /** Never these names. */
  disabled?: readonly string[];
  /** Constructor config per backend name. */
  config?: Readonly<Record<string, InstrumentationConfig>>;
}

export interface SkippedInstrumentation {
  name: string;
  packageName: string;
  reason: string;
}

export interface LoadedInstrumentations {
  instrumentations: Instrumentation[];
  /** Names that were selected and loaded. */
  loaded: string[];
  /** Backends that were selected but could not be loaded. */
  skipped: SkippedInstrumentation[];
}

/**
 * Constructs the selected instrumentations. A backend whose package throws while loading or constructing
 * is skipped with a diag warning: tracing one SDK must never cost the app its start-up.
 */
export function loadInstrumentations(entries: readonly InstrumentationEntry[], options: LoadInstrumentationsOptions = {}): LoadedInstrumentations {
  const known = new Set(entries.map((entry) => entry.name));
  for (const name of [...(options.enabled ?? []), ...(options.disabled ?? [])]) {
    if (!known.has(name)) {
      diag.warn(`@llm-provenance/auto-instrumentations: unknown instrumentation "${name}" (known: ${[...known].join(', ')})`);
    }
  }
  const result: LoadedInstrumentations = { instrumentations: [], loaded: [], skipped: [] };
  for (const entry of entries) {
    if (options.enabled && !options.enabled.includes(entry.name)) continue;
    if (options.disabled?.includes(entry.name)) continue;
    try {
      result.instrumentations.push(entry.create(options.config?.[entry.name]));
      result.loaded.push(entry.name);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      diag.warn(`@llm-provenance/auto-instrumentations: skipping the ${entry.name} instrumentation, ${entry.packageName} failed to load: ${reason}`);
      result.skipped.push({ name: entry.name, packageName: entry.packageName, reason });
    }
  }
  return result;
}
