import { AsyncLocalStorage } from 'node:async_hooks';
import { isInMemoryBody } from './request-body.js';

/**
 * `fetch` hands undici its body as a stream even when the app gave a string or a Buffer, so the
 * dispatcher-level request (diagnostics channel `undici:request:create`) never shows it. The `fetch`
 * functions (global, and the `undici` package's) are wrapped to note an in-memory `init.body` for the
 * duration of the call, in an AsyncLocalStorage read when undici creates the request. The wrapper
 * returns exactly what `fetch` returns; a body that is not in memory is never noted, so never read.
 */
const FETCH_BODY = new AsyncLocalStorage<unknown>();

/** The in-memory body of the `fetch` call being dispatched, if any. */
export function currentFetchBody(): unknown {
  return FETCH_BODY.getStore();
}

/** Runs `invoke` (the original fetch) with its in-memory body noted. */
export function withFetchBody<T>(init: unknown, invoke: () => T): T {
  const body = init !== null && typeof init === 'object' ? (init as { body?: unknown }).body : undefined;
  if (body === undefined || body === null || !isInMemoryBody(body)) return invoke();
  return FETCH_BODY.run(body, invoke);
}

const WRAPPED = Symbol.for('llm-provenance.inference-servers.fetch');

type Fetch = typeof globalThis.fetch & { [WRAPPED]?: typeof globalThis.fetch };

/** Who asked for the wrapper: it stays while any of them does (this instrumentation, the AI SDK one). */
const owners = new Set<object>();

/** Wraps `globalThis.fetch` (once) for `owner`; `unwrapGlobalFetch` restores it when its last owner lets go, if nobody replaced it since. */
export function wrapGlobalFetch(owner: object): void {
  owners.add(owner);
  const original = globalThis.fetch as Fetch | undefined;
  if (typeof original !== 'function' || original[WRAPPED]) return;
  const wrapped = function fetch(this: unknown, ...args: Parameters<typeof globalThis.fetch>) {
    return withFetchBody(args[1], () => original.apply(this, args));
  } as Fetch;
  wrapped[WRAPPED] = original;
  globalThis.fetch = wrapped;
}

export function unwrapGlobalFetch(owner: object): void {
  owners.delete(owner);
  if (owners.size > 0) return;
  const current = globalThis.fetch as Fetch | undefined;
  if (typeof current === 'function' && current[WRAPPED]) globalThis.fetch = current[WRAPPED];
}
