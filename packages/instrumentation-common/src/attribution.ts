import { context, propagation, createContextKey, type Attributes, type Context } from '@opentelemetry/api';
import {
  ATTR_ENDUSER_ID,
  ATTR_PROVENANCE_ROUTE_BACKEND,
  ATTR_PROVENANCE_ROUTE_REASON,
  ATTR_PROVENANCE_TASK_ID,
  ATTR_PROVENANCE_WORKER_ID,
  PROVENANCE_BAGGAGE_KEYS,
} from '@llm-provenance/semantic-conventions';

/** Who and what a model call is on behalf of; every field optional. */
export interface Attribution {
  /** -> `enduser.id` */
  userId?: string;
  /** -> `provenance.task.id` */
  taskId?: string;
  /** -> `provenance.worker.id` */
  workerId?: string;
  /** -> `provenance.route.backend` */
  routeBackend?: string;
  /** -> `provenance.route.reason` */
  routeReason?: string;
}

const FIELD_TO_ATTRIBUTE: Record<keyof Attribution, string> = {
  userId: ATTR_ENDUSER_ID,
  taskId: ATTR_PROVENANCE_TASK_ID,
  workerId: ATTR_PROVENANCE_WORKER_ID,
  routeBackend: ATTR_PROVENANCE_ROUTE_BACKEND,
  routeReason: ATTR_PROVENANCE_ROUTE_REASON,
};

/**
 * Longest attribution value recorded (UTF-16 code units). Ours: W3C baggage allows a value as long as the
 * whole header (8192 bytes), far more than an id needs; a longer value from outside is dropped, not cut.
 */
export const ATTRIBUTION_VALUE_MAX_LENGTH = 256;

/**
 * Our own context keys. `withAttribution` deliberately does NOT write OTel baggage: a propagator installed
 * by someone else would send it on every outgoing request, a model call included, and a user id must not
 * travel to an LLM provider. Our own propagation (attribution-propagation.ts) sends it to the user's own
 * services only. Values that came from another process sit in a separate, lower layer, so whatever this
 * process sets itself wins over them.
 */
const ATTRIBUTION_KEY = createContextKey('llm-provenance.attribution');
const REMOTE_ATTRIBUTION_KEY = createContextKey('llm-provenance.attribution.remote');

function merged(ctx: Context, key: symbol, attribution: Attribution, strict: boolean): Context {
  const current = (ctx.getValue(key) as Attributes | undefined) ?? {};
  const next: Attributes = { ...current };
  for (const [field, attr] of Object.entries(FIELD_TO_ATTRIBUTE) as Array<[keyof Attribution, string]>) {
    const value: unknown = attribution[field];
    // Unset means absent: undefined, null and '' leave the outer value in place.
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') {
      if (strict) throw new TypeError(`withAttribution: "${field}" must be a string, got ${typeof value}`);
      continue;
    }
    if (!strict && value.length > ATTRIBUTION_VALUE_MAX_LENGTH) continue;
    next[attr] = value;
  }
  return ctx.setValue(key, Object.freeze(next));
}

/** `ctx` with `attribution` merged over any attribution already in it (inner values win). */
export function setAttribution(ctx: Context, attribution: Attribution): Context {
  return merged(ctx, ATTRIBUTION_KEY, attribution, true);
}

/**
 * `ctx` with attribution received from another process (a `baggage` header, a task message). It is
 * untrusted: values that are not strings, empty or longer than `ATTRIBUTION_VALUE_MAX_LENGTH` are ignored,
 * and values set in this process with `withAttribution`/`setAttribution` win over it, before or after.
 */
export function setRemoteAttribution(ctx: Context, attribution: Attribution): Context {
  return merged(ctx, REMOTE_ATTRIBUTION_KEY, attribution, false);
}

/**
 * Runs `fn` with `attribution` in the active context: every GenAI span started inside (also in
 * callbacks and awaits that inherit the context) gets `enduser.id`, `provenance.task.id`, ...
 */
export function withAttribution<T>(attribution: Attribution, fn: () => T): T {
  return context.with(setAttribution(context.active(), attribution), fn);
}

/**
 * Attribution attributes for a span started in `ctx`: values from OTel baggage (keys are the attribute
 * names, e.g. `enduser.id`), overridden by values received from another process, overridden by values
 * set in this process with `withAttribution`.
 */
export function readAttribution(ctx: Context = context.active()): Attributes {
  return addAttribution(ctx, {});
}

/** The attribution of `ctx` (see `readAttribution`) as `Attribution` fields. */
export function attributionOf(ctx: Context = context.active()): Attribution {
  const attributes = readAttribution(ctx);
  const out: Attribution = {};
  for (const [field, attr] of Object.entries(FIELD_TO_ATTRIBUTE) as Array<[keyof Attribution, string]>) {
    const value = attributes[attr];
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}

/** Writes the attribution of `ctx` (see `readAttribution`) into `out` and returns it. */
export function addAttribution(ctx: Context, out: Attributes): Attributes {
  const baggage = propagation.getBaggage(ctx);
  if (baggage) {
    for (const key of PROVENANCE_BAGGAGE_KEYS) {
      const entry = baggage.getEntry(key);
      if (entry && typeof entry.value === 'string' && entry.value !== '' && entry.value.length <= ATTRIBUTION_VALUE_MAX_LENGTH) {
        out[key] = entry.value;
      }
    }
  }
  const remote = ctx.getValue(REMOTE_ATTRIBUTION_KEY) as Attributes | undefined;
  if (remote) Object.assign(out, remote);
  const own = ctx.getValue(ATTRIBUTION_KEY) as Attributes | undefined;
  if (own) Object.assign(out, own);
  return out;
}

/** `Attribution` field for each attribute key (the keys of `PROVENANCE_BAGGAGE_KEYS`). */
export const ATTRIBUTE_TO_FIELD: Readonly<Record<string, keyof Attribution>> = Object.freeze(
  Object.fromEntries((Object.entries(FIELD_TO_ATTRIBUTE) as Array<[keyof Attribution, string]>).map(([field, attr]) => [attr, field])),
);
