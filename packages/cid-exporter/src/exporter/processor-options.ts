/**
 * CidSpanProcessor options: those of the SDK's BatchSpanProcessor, with the same environment variables
 * and defaults. https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-span-processor
 */
import { diag } from '@opentelemetry/api';

export interface CidSpanProcessorOptions {
  /** Longest time an ended span waits before its batch is exported. Default OTEL_BSP_SCHEDULE_DELAY or 5000 ms. */
  scheduledDelayMillis?: number;
  /**
   * Spans held at most (buffered, or in an export that has not completed); more are dropped and counted
   * in the store. Default OTEL_BSP_MAX_QUEUE_SIZE or 2048.
   */
  maxQueueSize?: number;
  /** Spans per export at most. Default OTEL_BSP_MAX_EXPORT_BATCH_SIZE or 512 (capped at maxQueueSize). */
  maxExportBatchSize?: number;
  /** How long forceFlush waits for the exports. Default OTEL_BSP_EXPORT_TIMEOUT or 30000 ms. */
  exportTimeoutMillis?: number;
  /**
   * shutdown(): how long the store gets to write every ended span, checkpoint and close (async) before it
   * is closed synchronously instead. Default LLM_PROVENANCE_SHUTDOWN_TIMEOUT_MS or 500 ms.
   */
  storeShutdownTimeoutMillis?: number;
  /**
   * shutdown(): the whole of it. The store comes first; forwarding (e.g. to OTLP) gets what is left, and
   * spans it has not delivered by then stay in the store only. Default LLM_PROVENANCE_SHUTDOWN_BUDGET_MS or 1000 ms.
   */
  shutdownBudgetMillis?: number;
}

export const DEFAULT_STORE_SHUTDOWN_TIMEOUT_MILLIS = 500;
export const DEFAULT_SHUTDOWN_BUDGET_MILLIS = 1000;

export type ResolvedProcessorOptions = Required<CidSpanProcessorOptions>;

function envPositiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  diag.warn(`CidSpanProcessor: ${name} must be a positive integer, got ${JSON.stringify(raw)}; using ${fallback}`);
  return fallback;
}

function checkPositiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`CidSpanProcessor: ${name} must be a positive integer, got ${String(value)}`);
  return value;
}

export function resolveProcessorOptions(options: CidSpanProcessorOptions): ResolvedProcessorOptions {
  const maxQueueSize = checkPositiveInt('maxQueueSize', options.maxQueueSize ?? envPositiveInt('OTEL_BSP_MAX_QUEUE_SIZE', 2048));
  const batch = checkPositiveInt('maxExportBatchSize', options.maxExportBatchSize ?? envPositiveInt('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512));
  return {
    scheduledDelayMillis: checkPositiveInt('scheduledDelayMillis', options.scheduledDelayMillis ?? envPositiveInt('OTEL_BSP_SCHEDULE_DELAY', 5000)),
    maxQueueSize,
    // Same rule as the BatchSpanProcessor: a batch never exceeds the queue.
    maxExportBatchSize: Math.min(batch, maxQueueSize),
    exportTimeoutMillis: checkPositiveInt('exportTimeoutMillis', options.exportTimeoutMillis ?? envPositiveInt('OTEL_BSP_EXPORT_TIMEOUT', 30000)),
    storeShutdownTimeoutMillis: checkPositiveInt(
      'storeShutdownTimeoutMillis',
      options.storeShutdownTimeoutMillis ?? envPositiveInt('LLM_PROVENANCE_SHUTDOWN_TIMEOUT_MS', DEFAULT_STORE_SHUTDOWN_TIMEOUT_MILLIS),
    ),
    shutdownBudgetMillis: checkPositiveInt(
      'shutdownBudgetMillis',
      options.shutdownBudgetMillis ?? envPositiveInt('LLM_PROVENANCE_SHUTDOWN_BUDGET_MS', DEFAULT_SHUTDOWN_BUDGET_MILLIS),
    ),
  };
}
