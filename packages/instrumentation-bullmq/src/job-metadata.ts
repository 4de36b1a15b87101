import { propagation, type Context } from '@opentelemetry/api';
import { readAttribution, setAttribution, type Attribution } from '@llm-provenance/instrumentation-common';
import {
  ATTR_ENDUSER_ID,
  ATTR_PROVENANCE_ROUTE_BACKEND,
  ATTR_PROVENANCE_ROUTE_REASON,
  ATTR_PROVENANCE_TASK_ID,
  ATTR_PROVENANCE_WORKER_ID,
} from '@llm-provenance/semantic-conventions';

/**
 * What travels in a job: BullMQ's `opts.telemetry.metadata` string, the same JSON carrier bullmq-otel
 * writes (`propagation.inject` into an object), so a worker with BullMQ's own telemetry continues our
 * trace too. Beside the propagator's keys it holds the producer's attribution under ATTRIBUTION_KEY.
 */
const ATTRIBUTION_KEY = 'llm-provenance-attribution';
/** A job's metadata is read from Redis, i.e. from anyone who can write the queue: bounded. */
const MAX_METADATA_LENGTH = 8192;
const MAX_VALUE_LENGTH = 256;

/** The attribution fields carried, by the attribute `readAttribution` reports them under. */
const CARRIED: ReadonlyArray<[string, keyof Attribution]> = [
  [ATTR_ENDUSER_ID, 'userId'],
  [ATTR_PROVENANCE_TASK_ID, 'taskId'],
  [ATTR_PROVENANCE_WORKER_ID, 'workerId'],
  [ATTR_PROVENANCE_ROUTE_BACKEND, 'routeBackend'],
  [ATTR_PROVENANCE_ROUTE_REASON, 'routeReason'],
];

/** The metadata string for a job added in `ctx`. */
export function jobMetadata(ctx: Context): string {
  const carrier: Record<string, unknown> = {};
  propagation.inject(ctx, carrier);
  const attributes = readAttribution(ctx);
  const attribution: Partial<Record<keyof Attribution, string>> = {};
  let any = false;
  for (const [attribute, field] of CARRIED) {
    const value = attributes[attribute];
    if (typeof value === 'string' && value !== '') {
      attribution[field] = value.slice(0, MAX_VALUE_LENGTH);
      any = true;
    }
  }
  if (any) carrier[ATTRIBUTION_KEY] = attribution;
  return JSON.stringify(carrier);
}

/**
 * The context a job's metadata continues over `base`: its attribution, and with `withTrace` its trace
 * too. `base` where the metadata is absent or malformed.
 */
export function contextFromMetadata(base: Context, metadata: unknown, withTrace: boolean): Context {
  if (typeof metadata !== 'string' || metadata.length > MAX_METADATA_LENGTH) return base;
  let carrier: unknown;
  try {
    carrier = JSON.parse(metadata);
  } catch {
    return base;
  }
  if (!carrier || typeof carrier !== 'object' || Array.isArray(carrier)) return base;
  const fields = carrier as Record<string, unknown>;
  let ctx = withTrace ? propagation.extract(base, stringsOf(fields)) : base;
  const carried = fields[ATTRIBUTION_KEY];
  if (carried && typeof carried === 'object') {
    const attribution: Attribution = {};
    for (const [, field] of CARRIED) {
      const value = (carried as Record<string, unknown>)[field];
      if (typeof value === 'string' && value !== '' && value.length <= MAX_VALUE_LENGTH) attribution[field] = value;
    }
    ctx = setAttribution(ctx, attribution);
  }
  return ctx;
}

/** The carrier's string entries, which is all a text map propagator reads. */
function stringsOf(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (typeof value === 'string') out[key] = value;
  return out;
}
