import { diag } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { CidSpanExporter } from '@llm-provenance/cid-exporter';
import type { StoreOptions } from './options.js';

/** The provenance store as the span pipeline sees it. */
export interface StoreSink {
  /** Absolute store directory. */
  readonly dir: string;
  /** Id of the log this process writes. */
  readonly logId: string;
  /** Writes each batch to the store, then forwards it (with provenance.* attributes) to `forwardTo`. */
  readonly exporter: CidSpanExporter;
  /** Waits for queued appends, fsyncs, and writes a signed checkpoint when records were added since the last. */
  checkpoint(): Promise<void>;
}

/**
 * Opens the store (a new log for this process) behind a CidSpanExporter that forwards to `forwardTo`, so the
 * CIDs on forwarded (e.g. OTLP) spans are exactly the store's. The store reads its remaining settings
 * (LLM_PROVENANCE_DURABILITY, _CHECKPOINT_EVERY, ...) from the environment unless given here.
 */
export function openStoreSink(options: StoreOptions & { dir: string }, forwardTo: SpanExporter[]): StoreSink {
  const exporter = new CidSpanExporter({
    ...options,
    forwardTo,
    onWarning: (message) => diag.warn(`@llm-provenance/auto-instrumentations: provenance store: ${message}`),
  });
  const { store } = exporter;
  return {
    dir: store.dir,
    get logId() {
      return store.logId;
    },
    exporter,
    async checkpoint() {
      await store.checkpoint();
    },
  };
}
