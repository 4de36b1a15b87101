import { getNumberFromEnv } from '@opentelemetry/core';
import type { BatchSpanProcessorOptions } from '@opentelemetry/sdk-trace';

const ENV_OPTIONS = [
  ['scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY'],
  ['exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT'],
  ['maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE'],
  ['maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
] as const;

type BatchSettings = Pick<BatchSpanProcessorOptions, (typeof ENV_OPTIONS)[number][0]>;

/**
 * The batch span processor settings the OTEL_BSP_* variables give
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-span-processor).
 * The BatchSpanProcessor of `@opentelemetry/sdk-trace` (the trace SDK of both the 2.x and the 3.x line)
 * takes them as options only, so they are read here; unset variables leave the SDK's defaults.
 */
export function batchSpanProcessorOptionsFromEnv(): BatchSettings {
  const options: BatchSettings = {};
  for (const [option, variable] of ENV_OPTIONS) {
    const value = getNumberFromEnv(variable);
    if (value !== undefined) options[option] = value;
  }
  return options;
}
