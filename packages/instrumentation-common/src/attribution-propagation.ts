import { context, propagation, ROOT_CONTEXT, trace, type Context, type TextMapGetter } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { PROVENANCE_BAGGAGE_KEYS } from '@llm-provenance/semantic-conventions';
import { ATTRIBUTE_TO_FIELD, ATTRIBUTION_VALUE_MAX_LENGTH, readAttribution, setRemoteAttribution, type Attribution } from './attribution.js';
import { configuredProviderFromUrl } from './configured-providers.js';
import { isInGenAICall } from './genai-span.js';
import { isModelCallRoute, type RequestHeaderReader } from './model-call-routes.js';
import { providerFromUrl } from './provider-hosts.js';

/**
 * Longest `baggage` header read, in characters (all `baggage` headers of a request joined). The W3C Baggage
 * spec (https://www.w3.org/TR/baggage/#limits) asks a platform to propagate at least 8192 bytes; a longer
 * header is not read at all rather than cut inside an entry.
 */
export const BAGGAGE_MAX_TOTAL_LENGTH = 8192;

/**
 * Most list members of a `baggage` header looked at; later ones are ignored. The W3C Baggage spec asks for
 * at least 64; OpenTelemetry's W3C baggage propagator reads 180, and so do we.
 */
export const BAGGAGE_MAX_MEMBERS = 180;

const DOCUMENTED_KEYS: ReadonlySet<string> = new Set(PROVENANCE_BAGGAGE_KEYS);

/** Carrier headers: Node's `IncomingHttpHeaders` or any plain record of lower-case names. */
export type HeaderRecord = Record<string, string | string[] | undefined>;

const headerGetter: TextMapGetter<HeaderRecord> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

const traceContextPropagator = new W3CTraceContextPropagator();
const baggagePropagator = new W3CBaggagePropagator();

function decodeValue(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.trim());
  } catch {
    return undefined;
  }
}

/**
 * The attribution in a `baggage` header (https://www.w3.org/TR/baggage/#header-content), read as untrusted
 * input: only the documented keys (`PROVENANCE_BAGGAGE_KEYS`), the first occurrence of each, within
 * `BAGGAGE_MAX_TOTAL_LENGTH` and `BAGGAGE_MAX_MEMBERS`; a value that is empty, not valid percent-encoding
 * or longer than `ATTRIBUTION_VALUE_MAX_LENGTH` is dropped. Properties (`;...`) are ignored.
 */
export function attributionFromBaggageHeader(header: string | string[] | undefined): Attribution {
  const out: Attribution = {};
  if (header === undefined) return out;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (typeof text !== 'string' || text.length > BAGGAGE_MAX_TOTAL_LENGTH) return out;
  const members = text.split(',', BAGGAGE_MAX_MEMBERS);
  for (const member of members) {
    const [pair] = member.split(';', 1);
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    if (!DOCUMENTED_KEYS.has(key)) continue;
    const field = ATTRIBUTE_TO_FIELD[key];
    if (field === undefined || out[field] !== undefined) continue;
    const value = decodeValue(pair.slice(eq + 1));
    if (value === undefined || value === '' || value.length > ATTRIBUTION_VALUE_MAX_LENGTH) continue;
    out[field] = value;
  }
  return out;
}

/**
 * `ctx` continued from an incoming request's headers: the remote span from `traceparent`/`tracestate`
 * (W3C Trace Context) becomes the parent, and the documented attribution keys of `baggage` become remote
 * attribution, below what this process sets itself (see `setRemoteAttribution`). When `ctx` already has
 * an active span (the server runs inside another instrumentation's span), the trace is left as it is.
 */
export function continueFromHeaders(ctx: Context, headers: HeaderRecord): Context {
  let next = ctx;
  if (!trace.getSpanContext(ctx)) next = traceContextPropagator.extract(ctx, headers, headerGetter);
  const attribution = attributionFromBaggageHeader(headers.baggage);
  return Object.keys(attribution).length > 0 ? setRemoteAttribution(next, attribution) : next;
}

/**
 * Whether a request to `url` made in `ctx` may carry trace context and attribution: not when it is a
 * model call (inside a GenAI call, to a known provider host, to an inference server configured for the
 * inference-servers instrumentation, or on a route an HTTP-level instrumentation recognises as a model
 * call, see model-call-routes.ts), so no user id reaches an LLM provider or model server. `method` is the
 * request's (`POST` when not known); `header` reads its headers, where the caller has them (a model call
 * can be recognised by its client's User-Agent, whatever the host).
 */
export function mayPropagateTo(ctx: Context, url: string | URL | undefined, method = 'POST', header?: RequestHeaderReader): boolean {
  if (isInGenAICall(ctx)) return false;
  if (url !== undefined && (providerFromUrl(url) !== undefined || configuredProviderFromUrl(url) !== undefined || isModelCallRoute(method, url, header)))
    return false;
  return true;
}

/**
 * Headers to add to an outgoing request to `url` made in `ctx`: `traceparent` (and `tracestate`) of the
 * active span, and a `baggage` header with the attribution's documented keys only, both written by
 * OpenTelemetry's standard W3C propagators. Empty for model calls (see `mayPropagateTo`).
 */
export function propagationHeaders(ctx: Context = context.active(), url?: string | URL, method?: string, header?: RequestHeaderReader): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!mayPropagateTo(ctx, url, method, header)) return headers;
  const setter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };
  traceContextPropagator.inject(ctx, headers, setter);
  const attributes = readAttribution(ctx);
  const entries: Record<string, { value: string }> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DOCUMENTED_KEYS.has(key) && typeof value === 'string') entries[key] = { value };
  }
  if (Object.keys(entries).length > 0) {
    // A context holding only our baggage: the user's other baggage entries are theirs to propagate.
    baggagePropagator.inject(propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage(entries)), headers, setter);
  }
  return headers;
}
