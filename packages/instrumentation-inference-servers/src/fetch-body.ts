import { AsyncLocalStorage } from 'node:async_hooks';
import { isInMemoryBody } from './request-body.js';
import { clonedRequestBody, type ClonedRequestBody } from './request-clone.js';

/**
 * `fetch` hands undici its body as a stream even when the app gave a string or a Buffer, so the
 * dispatcher-level request (diagnostics channel `undici:request:create`) never shows it. The `fetch`
 * functions (global, and the `undici` package's) are wrapped to note an in-memory `init.body` for the
 * duration of the call, in an AsyncLocalStorage read when undici creates the request. The wrapper
 * returns exactly what `fetch` returns; a body that is not in memory is never noted, so never read.
 */
const FETCH_BODY = new AsyncLocalStorage<unknown>();

/** The in-memory body of the `fetch` call being dispatched, or the copy of its Request's body, if any. */
export function currentFetchBody(): unknown {
  return FETCH_BODY.getStore();
}

/**
 * Runs `invoke` (the original `fetch(input, init)`) with its body noted: `init.body` when it is in
 * memory, or, for a `Request` given as `input` without an `init.body`, a copy of the request's body being
 * read from its clone (request-clone.ts).
 */
export function withFetchBody<T>(args: readonly unknown[], invoke: () => T): T {
  const [input, init] = args;
  const body = init !== null && typeof init === 'object' ? (init as { body?: unknown }).body : undefined;
  if (body !== undefined && body !== null && isInMemoryBody(body)) return FETCH_BODY.run(body, invoke);
  let cloned: ClonedRequestBody | undefined;
  try {
    cloned = clonedRequestBody(input, init);
  } catch {
    // A request that cannot be cloned is fetched as it is, its body unread.
    cloned = undefined;
  }
  return cloned ? FETCH_BODY.run(cloned, invoke) : invoke();
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
    return withFetchBody(args, () => original.apply(this, args));
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
