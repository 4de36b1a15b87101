import diagnosticsChannel from 'node:diagnostics_channel';
import { context } from '@opentelemetry/api';
import { isInGenAICall } from '@llm-provenance/instrumentation-common';
import { Exchange } from './exchange.js';
import type { ObserverHost } from './observer-host.js';
import { DeferredExchange, type ExchangeEvents } from './deferred-exchange.js';
import { readInMemoryBody, type ReadBody } from './request-body.js';
import { ClonedRequestBody } from './request-clone.js';
import { RequestSecrets } from './request-secrets.js';
import type { RouteMatch } from './route-table.js';

/**
 * Observes every request undici makes, whichever undici it is (Node's bundled one behind global
 * `fetch`, or the `undici` package: `request`, `fetch`, `stream`, `pipeline`, any Agent, Pool, Client or
 * custom Dispatcher), through the diagnostics channels undici publishes
 * (https://undici.nodejs.org/#/docs/api/DiagnosticsChannel): `undici:request:create` (method, origin,
 * path, headers, body), `undici:request:headers` (status, headers), `undici:request:trailers` (the end
 * of the body) and `undici:request:error`. The body bytes themselves: the undici bundled with Node 20
 * (6.x) publishes no body-chunk channel, so the request object's `onData` is wrapped on that one
 * instance, only for a recognised inference request; the wrapper sees each chunk and passes it on
 * unchanged, with its return value (undici's back-pressure signal).
 */
const CREATE = 'undici:request:create';
const HEADERS = 'undici:request:headers';
const TRAILERS = 'undici:request:trailers';
const ERROR = 'undici:request:error';

export interface UndiciRequest {
  method?: string;
  origin?: string | URL;
  path?: string;
  headers?: string[] | string;
  body?: unknown;
  onData?: (chunk: Buffer) => unknown;
}

/** Decides whether a request is a model call, and which: the inference-servers route table, or another instrumentation's. */
export interface RouteMatcher {
  /**
   * The model call `method origin path` is, or undefined. `header` reads a request header (lower-case
   * name), for a matcher that recognises a client by what it sends.
   */
  match(method: string, origin: string, path: string, header?: (name: string) => string | undefined): RouteMatch | undefined;
}

/**
 * Every subscribed observer, highest priority first. The channels are subscribed once for all of them,
 * and a request is observed by the first observer whose routes match it: one request, one span, however
 * many instrumentations observe undici (the AI SDK instrumentation's matcher goes before the route table).
 */
const observers: UndiciObserver[] = [];
/** The exchange of each observed request, whichever observer created it. */
const exchanges = new WeakMap<object, ExchangeEvents>();

export class UndiciObserver {
  /**
   * @param priority observers with a higher priority see a request first (default 0).
   */
  constructor(
    private readonly host: ObserverHost,
    readonly priority = 0,
  ) {}

  subscribe(): void {
    if (observers.includes(this)) return;
    observers.push(this);
    observers.sort((a, b) => b.priority - a.priority);
    if (observers.length > 1) return;
    diagnosticsChannel.subscribe(CREATE, onCreate);
    diagnosticsChannel.subscribe(HEADERS, onHeaders);
    diagnosticsChannel.subscribe(TRAILERS, onTrailers);
    diagnosticsChannel.subscribe(ERROR, onError);
  }

  unsubscribe(): void {
    const at = observers.indexOf(this);
    if (at === -1) return;
    observers.splice(at, 1);
    if (observers.length > 0) return;
    diagnosticsChannel.unsubscribe(CREATE, onCreate);
    diagnosticsChannel.unsubscribe(HEADERS, onHeaders);
    diagnosticsChannel.unsubscribe(TRAILERS, onTrailers);
    diagnosticsChannel.unsubscribe(ERROR, onError);
  }

  /** Starts an exchange for `request` if it is one of this observer's model calls; whether it did. */
  observe(request: UndiciRequest, origin: string, method: string, header: (name: string) => string | undefined): boolean {
    const match = this.host.routes.match(method, origin, request.path!, header);
    if (!match) return false;
    const parent = context.active();
    // Inside a GenAI span (an SDK instrumentation traces this call): nobody observes it.
    if (isInGenAICall(parent)) return true;
    const target = this.host.target();
    if (!target) return false;
    try {
      const secrets = new RequestSecrets();
      forEachHeader(request.headers, (name, value) => secrets.header(name, value));
      secrets.query(request.path!);
      const own = readInMemoryBody(request.body, target.maxBodyBytes);
      const noted = own.value !== undefined || own.truncated ? own : this.host.fetchBody();
      const start = (body: ReadBody) => new Exchange(target, match, body.value, body.truncated, secrets, parent);
      let exchange: ExchangeEvents;
      if (noted instanceof ClonedRequestBody) {
        // A `fetch(request)` body: read from the request's clone, usually done by now.
        exchange = noted.result ? start(noted.result) : new DeferredExchange(start, target.maxBodyBytes, noted.read);
      } else exchange = start(noted === own ? own : readInMemoryBody(noted, target.maxBodyBytes));
      exchanges.set(request, exchange);
      const onData = request.onData;
      if (typeof onData === 'function') {
        request.onData = function observedOnData(this: unknown, chunk: Buffer) {
          exchange.onData(chunk);
          return onData.call(this, chunk);
        };
      }
    } catch (err) {
      target.errors.report('undici request', err);
    }
    return true;
  }
}

function onCreate(message: unknown): void {
  const request = (message as { request?: UndiciRequest } | null)?.request;
  if (!request || typeof request.path !== 'string') return;
  const origin = originOf(request.origin);
  if (origin === undefined) return;
  const method = String(request.method ?? 'GET').toUpperCase();
  const header = (name: string): string | undefined => headerOf(request.headers, name);
  for (const observer of observers) if (observer.observe(request, origin, method, header)) return;
}

function onHeaders(message: unknown): void {
  const { request, response } = message as { request: object; response?: { statusCode?: number; headers?: Array<Buffer | string> } };
  const exchange = exchanges.get(request);
  if (!exchange) return;
  const headers = response?.headers ?? [];
  exchange.onHeaders({
    statusCode: typeof response?.statusCode === 'number' ? response.statusCode : 0,
    header(name) {
      for (let i = 0; i + 1 < headers.length; i += 2) {
        if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
      }
      return undefined;
    },
  });
}

function onTrailers(message: unknown): void {
  const request = (message as { request: object }).request;
  const exchange = exchanges.get(request);
  if (!exchange) return;
  exchanges.delete(request);
  exchange.onComplete();
}

function onError(message: unknown): void {
  const { request, error } = message as { request: object; error: unknown };
  const exchange = exchanges.get(request);
  if (!exchange) return;
  exchanges.delete(request);
  exchange.onError(error);
}

/** `scheme://host[:port]` of undici's `request.origin` (a string or URL), as `URL.origin` writes it. */
const ORIGINS = new Map<string, string | undefined>();
function originOf(origin: string | URL | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (typeof origin !== 'string') return origin.origin;
  let known = ORIGINS.get(origin);
  if (known === undefined && !ORIGINS.has(origin)) {
    try {
      known = new URL(origin).origin;
    } catch {
      known = undefined;
    }
    if (ORIGINS.size > 256) ORIGINS.clear();
    ORIGINS.set(origin, known);
  }
  return known;
}

/** undici's request headers: a flat `[name, value, ...]` array (undici 6+), or raw `name: value\r\n` text (5.x). */
function forEachHeader(headers: string[] | string | undefined, fn: (name: string, value: string) => void): void {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) fn(String(headers[i]), String(headers[i + 1]));
  } else if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fn(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
  }
}

/** The value of one request header (name in lower case), or undefined. */
function headerOf(headers: string[] | string | undefined, name: string): string | undefined {
  let found: string | undefined;
  forEachHeader(headers, (n, v) => {
    if (found === undefined && n.toLowerCase() === name) found = v;
  });
  return found;
}
