import type { ExchangeTarget } from './exchange.js';
import type { RouteMatcher } from './undici-observer.js';

/** What the HTTP observers need from their instrumentation; read on every request they see. */
export interface ObserverHost {
  /** undefined while disabled or when the span target cannot be set up. */
  target(): ExchangeTarget | undefined;
  readonly routes: RouteMatcher;
  /** The in-memory body the current `fetch` call was given (see fetch-body.ts), if any. */
  fetchBody(): unknown;
}
