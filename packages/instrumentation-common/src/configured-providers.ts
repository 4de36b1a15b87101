import { BoundedCache } from './bounded-cache.js';

/** A base URL the user said is a given provider's server (`vllm=http://gpu1:8000`). */
export interface ConfiguredProviderUrl {
  /** The server's base URL; a path prefix is allowed (`http://gw/vllm`). */
  url: string;
  /** `gen_ai.provider.name` of everything under `url`. */
  providerName: string;
}

interface Entry {
  /** Path prefix without a trailing slash ('' for none). */
  basePath: string;
  providerName: string;
}

interface ConfiguredProvidersState {
  /** Each owner's list (an instrumentation and its configuration), merged into `byOrigin`. */
  owners: Map<object, readonly ConfiguredProviderUrl[]>;
  byOrigin: Map<string, Entry[]>;
  version: number;
  /** Answers per base URL for the current configuration (null: none configured). */
  answers: BoundedCache<string, string | null>;
}

/**
 * One state per process, not per copy of this module: under `--import` the register's ES module build
 * asks (attribution propagation) while the instrumentations, loaded with `require`, tell (the CommonJS
 * build), so a module-level map would leave the asker blind.
 */
const state = ((globalThis as Record<symbol, unknown>)[Symbol.for('@llm-provenance/instrumentation-common.configured-providers')] ??= {
  owners: new Map(),
  byOrigin: new Map(),
  version: 0,
  answers: new BoundedCache(64),
} satisfies ConfiguredProvidersState) as ConfiguredProvidersState;

/**
 * Records which provider serves the base URLs `owner` was configured with (the inference-servers
 * instrumentation's servers), so a client instrumentation whose SDK speaks a shared protocol (the openai
 * SDK pointed at vLLM, TGI's Messages API or OpenVINO Model Server) names the configured server as the
 * provider instead of the protocol's. A later call from the same owner replaces its list; an empty list
 * removes it. Malformed URLs are skipped (their owner reports them).
 */
export function setConfiguredProviders(owner: object, servers: readonly ConfiguredProviderUrl[]): void {
  if (servers.length === 0) state.owners.delete(owner);
  else state.owners.set(owner, [...servers]);
  const merged = new Map<string, Entry[]>();
  for (const list of state.owners.values()) {
    for (const server of list) {
      let url: URL;
      try {
        url = new URL(server.url);
      } catch {
        continue;
      }
      const entries = merged.get(url.origin) ?? [];
      entries.push({ basePath: url.pathname.replace(/\/+$/, ''), providerName: server.providerName });
      // The longest path prefix first, so `http://gw/vllm` wins over `http://gw`.
      entries.sort((a, b) => b.basePath.length - a.basePath.length);
      merged.set(url.origin, entries);
    }
  }
  state.byOrigin = merged;
  state.answers = new BoundedCache(64);
  state.version++;
}

/**
 * Changes whenever the configured providers do: a caller that caches `configuredProviderFromUrl`
 * answers compares it to know when to ask again.
 */
export function configuredProvidersVersion(): number {
  return state.version;
}

/**
 * The provider configured for the server `baseUrl` is under (same origin, path under the configured
 * prefix), or undefined. Costs one comparison when nothing is configured, one cache lookup otherwise.
 */
export function configuredProviderFromUrl(baseUrl: string | URL | null | undefined): string | undefined {
  if (state.byOrigin.size === 0 || !baseUrl) return undefined;
  const key = typeof baseUrl === 'string' ? baseUrl : String(baseUrl);
  let answer = state.answers.get(key);
  if (answer === undefined) answer = state.answers.set(key, lookup(key));
  return answer ?? undefined;
}

function lookup(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const path = url.pathname.replace(/\/+$/, '');
  for (const entry of state.byOrigin.get(url.origin) ?? []) {
    if (entry.basePath === '' || path === entry.basePath || path.startsWith(`${entry.basePath}/`)) return entry.providerName;
  }
  return null;
}
