import { propagation, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

/** A request's `params._meta` property bag (MCP specification, basic/#_meta). */
export type MetaBag = Record<string, unknown>;

/**
 * Only string values are context: `_meta` is the peer's input and may hold anything under the
 * propagators' keys (mcp.md, "Context propagation": `traceparent`, `tracestate`, `baggage`, unprefixed).
 */
const metaGetter: TextMapGetter<MetaBag> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

const metaSetter: TextMapSetter<MetaBag> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * The request to send in place of `request`: a copy whose `params._meta` also holds `ctx` as the
 * configured propagators write it. The caller's objects are left as they were.
 */
export function withInjectedContext<R extends { params?: unknown }>(request: R, ctx: Context): R {
  const fields: MetaBag = {};
  propagation.inject(ctx, fields, metaSetter);
  if (Object.keys(fields).length === 0) return request;
  const params = isRecord(request.params) ? request.params : {};
  const meta = isRecord(params._meta) ? params._meta : {};
  return { ...request, params: { ...params, _meta: { ...meta, ...fields } } };
}

/** The context the sender put in `params._meta`, over `base`; `base` when there is none. */
export function extractedContext(params: unknown, base: Context): Context {
  const meta = isRecord(params) ? params._meta : undefined;
  return isRecord(meta) ? propagation.extract(base, meta, metaGetter) : base;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
