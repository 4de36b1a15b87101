// Carries trace context and attribution across the user's own HTTP services, for processes started with
// the register. Outgoing: global fetch / undici (through undici's `undici:request:create` diagnostics
// channel) and `http.request`/`http.get` (and https) get `traceparent`, `tracestate` and a `baggage` header
// with the documented attribution keys, except on model calls (instrumentation-common's
// attribution-propagation.ts decides). Incoming: a Node HTTP server's `request` handlers (what express,
// fastify and koa run on) run in the context continued from the request's headers. No spans are created
// here: why this is our own small hook and not @opentelemetry/instrumentation-http is in docs/attribution.md.
import diagnosticsChannel from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { context, diag, type Context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { continueFromHeaders, propagationHeaders, type RequestHeaderReader } from '@llm-provenance/instrumentation-common';

const INSTALLED = Symbol.for('@llm-provenance/auto-instrumentations.http-propagation');

function headersFor(ctx: Context, url: string | undefined, method: string | undefined, header: RequestHeaderReader): Record<string, string> {
  if (isTracingSuppressed(ctx)) return {};
  return propagationHeaders(ctx, url, method, header);
}

/** The shape of the request object undici publishes on `undici:request:create` (undici's DiagnosticsChannel docs). */
interface UndiciRequest {
  origin?: string | URL;
  path?: string;
  method?: string;
  headers?: string | string[];
  addHeader(name: string, value: string): unknown;
}

/** The value of header `name` (lower case) of an undici request: a flat `[name, value, ...]` array, or `name: value\r\n` lines. */
function undiciHeader(request: UndiciRequest, name: string): string | undefined {
  const { headers } = request;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return undefined;
  }
  if (typeof headers !== 'string') return undefined;
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

function onUndiciRequest(message: unknown): void {
  try {
    const request = (message as { request?: UndiciRequest }).request;
    if (!request || typeof request.addHeader !== 'function') return;
    const url = request.origin !== undefined ? `${String(request.origin)}${request.path ?? ''}` : undefined;
    const header = (name: string) => undiciHeader(request, name);
    for (const [name, value] of Object.entries(headersFor(context.active(), url, request.method, header))) {
      if (header(name) === undefined) request.addHeader(name, value);
    }
  } catch (error) {
    diag.debug('@llm-provenance/auto-instrumentations: undici propagation skipped', error);
  }
}

function addToClientRequest(request: http.ClientRequest): void {
  try {
    if (request.headersSent) return;
    // The Host header carries the port (`request.host` does not), which configured servers are told by.
    const hostHeader = request.getHeader('host');
    const authority = typeof hostHeader === 'string' ? hostHeader : request.host;
    const url = `${request.protocol}//${authority}${request.path}`;
    const header = (name: string): string | undefined => {
      const value = request.getHeader(name);
      return value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);
    };
    for (const [name, value] of Object.entries(headersFor(context.active(), url, request.method, header))) {
      if (!request.hasHeader(name)) request.setHeader(name, value);
    }
  } catch (error) {
    diag.debug('@llm-provenance/auto-instrumentations: http propagation skipped', error);
  }
}

type RequestFunction = typeof http.request;

function patchClient(module: typeof http | typeof https): void {
  const originalRequest = module.request;
  const request = function (this: unknown, ...args: Parameters<RequestFunction>): http.ClientRequest {
    const req = (originalRequest as (...a: unknown[]) => http.ClientRequest).apply(this, args);
    addToClientRequest(req);
    return req;
  } as RequestFunction;
  // `get` is `request` + `end()`, but Node's calls its module-internal `request`: wrap it the same way.
  const get = function (this: unknown, ...args: Parameters<RequestFunction>): http.ClientRequest {
    const req = (request as (...a: unknown[]) => http.ClientRequest).apply(this, args);
    req.end();
    return req;
  } as typeof http.get;
  module.request = request;
  module.get = get;
}

function patchServer(prototype: { emit: (event: string | symbol, ...args: unknown[]) => boolean }): void {
  const originalEmit = prototype.emit;
  prototype.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'request') return originalEmit.call(this, event, ...args);
    let ctx: Context;
    try {
      ctx = continueFromHeaders(context.active(), (args[0] as http.IncomingMessage).headers);
    } catch (error) {
      diag.debug('@llm-provenance/auto-instrumentations: incoming propagation skipped', error);
      return originalEmit.call(this, event, ...args);
    }
    return context.with(ctx, () => originalEmit.call(this, event, ...args));
  };
}

/**
 * Whether `OTEL_PROPAGATORS` (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#general-sdk-configuration)
 * leaves room for the W3C propagators this hook uses: unset or empty (the default is `tracecontext,baggage`),
 * or a list naming `tracecontext` or `baggage`. `none`, or a list of other propagators only, turns the
 * register's HTTP propagation off.
 */
export function w3cPropagationWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.OTEL_PROPAGATORS?.trim();
  if (!value) return true;
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  return names.includes('tracecontext') || names.includes('baggage');
}

/**
 * Installs the outgoing and incoming propagation once per process. `http.request`/`http.get` are replaced
 * on the module objects, and ES modules' named imports of `node:http` follow through
 * `syncBuiltinESMExports` (https://nodejs.org/api/module.html#modulesyncbuiltinesmexports).
 */
export function installHttpPropagation(): void {
  const global = globalThis as { [INSTALLED]?: true };
  if (global[INSTALLED]) return;
  global[INSTALLED] = true;
  try {
    diagnosticsChannel.subscribe('undici:request:create', onUndiciRequest);
    patchClient(http);
    patchClient(https);
    patchServer(http.Server.prototype as unknown as Parameters<typeof patchServer>[0]);
    patchServer(https.Server.prototype as unknown as Parameters<typeof patchServer>[0]);
    syncBuiltinESMExports();
  } catch (error) {
    diag.warn('@llm-provenance/auto-instrumentations: cannot install HTTP propagation', error);
  }
}
