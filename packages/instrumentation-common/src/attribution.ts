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
 * Our own context key. `withAttribution` deliberately does NOT write baggage: baggage is propagated on
 * outgoing HTTP requests, and a user id must not travel to the LLM provider in a `baggage` header.
 */
const ATTRIBUTION_KEY = createContextKey('llm-provenance.attribution');

/** `ctx` with `attribution` merged over any attribution already in it (inner values win). */
export function setAttribution(ctx: Context, attribution: Attribution): Context {
  const current = (ctx.getValue(ATTRIBUTION_KEY) as Attributes | undefined) ?? {};
  const next: Attributes = { ...current };
  for (const [field, attr] of Object.entries(FIELD_TO_ATTRIBUTE) as Array<[keyof Attribution, string]>) {
    const value = attribution[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') {
      throw new TypeError(`withAttribution: "${field}" must be a string, got ${typeof value}`);
    }
    next[attr] = value;
  }
  return ctx.setValue(ATTRIBUTION_KEY, Object.freeze(next));
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
 * names, e.g. `enduser.id`), overridden by values set with `withAttribution`.
 */
export function readAttribution(ctx: Context = context.active()): Attributes {
  return addAttribution(ctx, {});
}

/** Writes the attribution of `ctx` (see `readAttribution`) into `out` and returns it. */
export function addAttribution(ctx: Context, out: Attributes): Attributes {
  const baggage = propagation.getBaggage(ctx);
  if (baggage) {
    for (const key of PROVENANCE_BAGGAGE_KEYS) {
      const entry = baggage.getEntry(key);
      if (entry && typeof entry.value === 'string' && entry.value !== '') out[key] = entry.value;
    }
  }
  const own = ctx.getValue(ATTRIBUTION_KEY) as Attributes | undefined;
  if (own) Object.assign(out, own);
  return out;
}
