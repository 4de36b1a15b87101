import { diag } from '@opentelemetry/api';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { batchSpanProcessorOptionsFromEnv } from './batch-options.js';
import type { ResolvedConfig } from './config.js';
import { createOtlpTraceExporter } from './otlp-exporter.js';
import { CidSpanProcessor } from '@llm-provenance/cid-exporter';
import { openStoreSink, type StoreSink } from './store-sink.js';

/** Span processors plus the store behind them. */
export interface SpanPipeline {
  processors: SpanProcessor[];
  /** The provenance store, when on. */
  store: StoreSink | undefined;
  /** Exports everything buffered, then checkpoints the store. */
  forceFlush(): Promise<void>;
  /** On a signal the app handles: the store first (stored, checkpointed), forwarding within the shutdown budget. */
  flushForSignal(): Promise<void>;
  /**
   * For `process.on('exit')`: every ended span reaches the store synchronously (written, fsynced, final
   * signed checkpoint, lock removed); those not yet forwarded stay in the store only. No-op without a store.
   */
  flushSync(): void;
}

/**
 * Store on:  CidSpanProcessor (batches like a BatchSpanProcessor, plus flushSync at exit) -> CidSpanExporter (writes the store) -> OTLP / console / extra exporters,
 *            so what reaches OTLP carries the store's provenance.* CIDs.
 * Store off: one processor per exporter (console is exported synchronously, like the NodeSDK does).
 */
export function createSpanPipeline(config: ResolvedConfig, extraExporters: readonly SpanExporter[] = []): SpanPipeline {
  const downstream: SpanExporter[] = [];
  if (config.otlp) downstream.push(createOtlpTraceExporter(config.otlp));
  if (config.console) downstream.push(new ConsoleSpanExporter());
  downstream.push(...extraExporters);

  let processors: SpanProcessor[];
  let storeProcessor: CidSpanProcessor | undefined;
  const store = config.store ? openStoreOrReport(config.store, downstream) : undefined;
  if (store) {
    storeProcessor = new CidSpanProcessor(store.exporter, {
      storeShutdownTimeoutMillis: config.shutdownTimeoutMillis,
      shutdownBudgetMillis: config.shutdownBudgetMillis,
    });
    processors = [storeProcessor];
  } else {
    processors = downstream.map((exporter) =>
      exporter instanceof ConsoleSpanExporter
        ? new SimpleSpanProcessor({ exporter })
        : new BatchSpanProcessor({ exporter, ...batchSpanProcessorOptionsFromEnv() }),
    );
  }
  if (processors.length === 0 && !config.store) {
    diag.warn(
      '@llm-provenance/auto-instrumentations: spans go nowhere: the store is off (LLM_PROVENANCE_STORE=off) and no trace exporter is configured (OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_ENDPOINT)',
    );
  }
  return {
    processors,
    store,
    async forceFlush() {
      // The store first, checkpointed: a collector that is down delays the forwards only.
      if (storeProcessor && store) {
        await storeProcessor.storeBuffered();
        await store.checkpoint();
      }
      await Promise.all(processors.map((processor) => processor.forceFlush()));
      await store?.checkpoint();
    },
    async flushForSignal() {
      if (storeProcessor) await storeProcessor.flushStoreFirst();
      else await Promise.all(processors.map((processor) => processor.forceFlush()));
    },
    flushSync() {
      storeProcessor?.flushSync();
    },
  };
}

/**
 * A store that cannot be opened (unwritable or bad directory, a damaged key file) must not also take the
 * OTLP/console export down with it: the spans still go to the other exporters, and the reason is printed
 * on stderr naming the directory, because "no provenance" is something the operator has to see.
 */
function openStoreOrReport(options: Exclude<ResolvedConfig['store'], false>, downstream: SpanExporter[]): StoreSink | undefined {
  try {
    return openStoreSink(options, downstream);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      `@llm-provenance/auto-instrumentations: cannot open the provenance store at ${options.dir}: ${reason}; ` +
        (downstream.length > 0 ? 'spans go to the other trace exporters only, NOT to the store' : 'no trace exporter is left, so spans go nowhere'),
    );
    return undefined;
  }
}
