import diagnosticsChannel from 'node:diagnostics_channel';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import { context, type Context } from '@opentelemetry/api';
import { isInGenAICall } from '@llm-provenance/instrumentation-common';
import { ResponseAbortedError } from './errors.js';
import { Exchange, type ExchangeTarget } from './exchange.js';
import type { ObserverHost } from './observer-host.js';
import { WrittenBody } from './request-body.js';
import { RequestSecrets } from './request-secrets.js';
import type { RouteMatch } from './route-table.js';

/**
 * Observes `node:http` / `node:https` client requests (both use `http.ClientRequest`).
 * - The request body: `ClientRequest.prototype.write` and `end` are wrapped. The first call on a
 *   request decides, from its method, host and path, whether it is an inference call (one route-table
 *   lookup, remembered); only then are the chunks the app hands over (already in its memory) kept, up to
 *   the bound, and the span starts when the app ends the request. Arguments and return values pass
 *   through unchanged. (Node's `http.client.request.start` channel fires only after `end()`, too late to
 *   see the body, and `http.client.request.created` exists only from Node 22.)
 * - The response: the `http.client.response.finish` diagnostics channel
 *   (https://nodejs.org/api/diagnostics_channel.html#http) gives the response as its head arrives; its
 *   `push` is wrapped on that one instance to see the bytes Node's parser hands to the stream, whether or
 *   not and however the app reads them, and `push(null)` is the end of the body. A `'close'` listener
 *   (which changes nothing for the app) tells a response cut off before its end.
 * - Errors: the request's `emit` is wrapped on the instance to see an `'error'` without adding a listener
 *   (a listener would change what an unhandled error does).
 */
const RESPONSE = 'http.client.response.finish';

interface Observed {
  target: ExchangeTarget;
  match: RouteMatch;
  secrets: RequestSecrets;
  parent: Context;
  body: WrittenBody;
  exchange?: Exchange;
}

type Method = (this: ClientRequest, ...args: unknown[]) => unknown;
const WRAPPED = Symbol('llm-provenance.inference-servers.http');

export class HttpObserver {
  /** Each request seen: its observation, or null when it is not an inference call. */
  private readonly seen = new WeakMap<object, Observed | null>();
  /** `ClientRequest.prototype`'s own `write` / `end` before wrapping (undefined: inherited), restored on unsubscribe. */
  private originals?: { write?: PropertyDescriptor; end?: PropertyDescriptor };

  constructor(private readonly host: ObserverHost) {}

  subscribe(): void {
    diagnosticsChannel.subscribe(RESPONSE, this.onResponse);
    const proto = http.ClientRequest.prototype as unknown as Record<string | symbol, unknown>;
    if (proto[WRAPPED]) return;
    const write = proto.write as Method;
    const end = proto.end as Method;
    this.originals = { write: Object.getOwnPropertyDescriptor(proto, 'write'), end: Object.getOwnPropertyDescriptor(proto, 'end') };
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the wrappers are `function`s (they keep the request as `this`)
    const observer = this;
    proto.write = function observedWrite(this: ClientRequest, ...args: unknown[]) {
      observer.onWrite(this, args, false);
      return write.apply(this, args);
    };
    proto.end = function observedEnd(this: ClientRequest, ...args: unknown[]) {
      observer.onWrite(this, args, true);
      return end.apply(this, args);
    };
    proto[WRAPPED] = true;
  }

  unsubscribe(): void {
    diagnosticsChannel.unsubscribe(RESPONSE, this.onResponse);
    if (!this.originals) return;
    const proto = http.ClientRequest.prototype as unknown as Record<string | symbol, unknown>;
    // Node's own methods come back: redefined where ClientRequest had its own, else inherited again.
    for (const name of ['write', 'end'] as const) {
      const own = this.originals[name];
      if (own) Object.defineProperty(proto, name, own);
      else delete proto[name];
    }
    delete proto[WRAPPED];
    this.originals = undefined;
  }

  private onWrite(request: ClientRequest, args: unknown[], ending: boolean): void {
    try {
      let observed = this.seen.get(request);
      if (observed === undefined) {
        observed = this.observe(request);
        this.seen.set(request, observed);
      }
      if (!observed || observed.exchange) return;
      if (typeof args[0] !== 'function') observed.body.add(args[0], args[1]);
      if (ending) exchangeOf(observed);
    } catch (err) {
      this.host.target()?.errors.report('http request', err);
    }
  }

  /** Whether `request` is an inference call: if so, what its observation needs. */
  private observe(request: ClientRequest): Observed | null {
    if (typeof request.path !== 'string' || typeof request.method !== 'string') return null;
    const hostHeader = request.getHeader('host');
    const origin = `${request.protocol}//${typeof hostHeader === 'string' ? hostHeader.toLowerCase() : request.host}`;
    const match = this.host.routes.match(request.method.toUpperCase(), origin, request.path);
    if (!match) return null;
    const parent = context.active();
    if (isInGenAICall(parent)) return null;
    const target = this.host.target();
    if (!target) return null;
    const secrets = new RequestSecrets();
    for (const [name, value] of Object.entries(request.getHeaders())) {
      if (value !== undefined) secrets.header(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    secrets.query(request.path);
    const observed: Observed = { target, match, secrets, parent, body: new WrittenBody(target.maxBodyBytes) };
    const emit = request.emit.bind(request);
    request.emit = function observedEmit(this: ClientRequest, event: string | symbol, ...args: unknown[]) {
      if (event === 'error') exchangeOf(observed).onError(args[0]);
      return emit(event, ...args);
    } as ClientRequest['emit'];
    return observed;
  }

  private readonly onResponse = (message: unknown): void => {
    const { request, response } = message as { request: object; response: IncomingMessage };
    const observed = this.seen.get(request);
    if (!observed) return;
    this.seen.set(request, null);
    const exchange = exchangeOf(observed);
    exchange.onHeaders({
      statusCode: response.statusCode ?? 0,
      header(name) {
        const value = response.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      },
    });
    let complete = false;
    const push = response.push.bind(response);
    response.push = function observedPush(this: IncomingMessage, chunk: unknown, ...rest: unknown[]) {
      if (chunk === null) {
        complete = true;
        exchange.onComplete();
      } else if (chunk instanceof Uint8Array) exchange.onData(chunk);
      return (push as (...a: unknown[]) => boolean)(chunk, ...rest);
    } as IncomingMessage['push'];
    response.once('close', () => {
      if (!complete) exchange.onError(new ResponseAbortedError());
    });
  };
}

/** The observation's exchange, started (the span begins) on first need: the request's end, its response, or its error. */
function exchangeOf(observed: Observed): Exchange {
  if (!observed.exchange) {
    const body = observed.body.read();
    observed.exchange = new Exchange(observed.target, observed.match, body.value, body.truncated, observed.secrets, observed.parent);
  }
  return observed.exchange;
}
