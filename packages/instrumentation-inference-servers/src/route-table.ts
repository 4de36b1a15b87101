import type { ConfiguredProviderUrl } from '@llm-provenance/instrumentation-common';
import type { BodyFormat, MatchedCall } from './formats/format.js';
import { BODY_FORMATS, BUILT_IN_PROFILES, type RouteProfile, type RouteRule } from './profiles.js';

/** A server configured as one profile: requests under `url` are that server's. */
export interface InferenceServer {
  /** A profile name: `vllm`, `openvino.ovms`, `opea`, `model_server`, or a user profile's. */
  profile: string;
  /** The server's base URL, e.g. `http://gpu1:8000` (a path prefix is allowed: `http://gw/vllm`). */
  url: string;
  /** The model to record when neither the request body nor the path names one. */
  model?: string;
}

/** A request recognised as an inference call. */
export interface RouteMatch extends MatchedCall {
  format: BodyFormat;
}

interface CompiledRoute {
  method: string;
  regex: RegExp;
  names: string[];
  operation: string;
  format: BodyFormat;
  providerName: string;
}

interface ConfiguredServer {
  origin: string;
  /** Path prefix without a trailing slash ('' for none). */
  basePath: string;
  routes: CompiledRoute[];
  model?: string;
}

/** Compiles `/v1/models/{model}:predict` (and the fixed-value form `{service:chatqna}`) to an anchored RegExp. */
function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g)) {
    source += escape(path.slice(last, m.index));
    names.push(m[1]!);
    source += m[2] !== undefined ? `(${escape(m[2])})` : '([^/:?#]+)';
    last = m.index + m[0].length;
  }
  source += escape(path.slice(last));
  return { regex: new RegExp(`^${source}/?$`), names };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileRule(rule: RouteRule, profile: RouteProfile): CompiledRoute {
  const format = typeof rule.format === 'string' ? BODY_FORMATS[rule.format] : rule.format;
  if (!format || typeof format.request !== 'function') {
    throw new TypeError(
      `inference-servers: route ${rule.path} of profile ${profile.name} names an unknown format ${typeof rule.format === 'string' ? rule.format : typeof rule.format}`,
    );
  }
  const { regex, names } = compile(rule.path);
  return { method: (rule.method ?? 'POST').toUpperCase(), regex, names, operation: rule.operation, format, providerName: profile.providerName ?? profile.name };
}

/**
 * Decides which requests are inference calls: a request under a configured server's URL is matched
 * against that server's profile first; any request no configured server claims, against the routes that
 * name their server by themselves (`recognize: true`), when recognition is on. Everything else costs one Map lookup and one
 * RegExp test.
 */
export class RouteTable {
  private readonly byOrigin = new Map<string, ConfiguredServer[]>();
  private readonly recognized: CompiledRoute[];
  /** One alternation of every recognised route: the quick "no" for the common, non-inference request. */
  private readonly anyRecognized: RegExp | undefined;
  /** Each configured server's base URL and provider name, for client instrumentations (configured-providers in instrumentation-common). */
  readonly configuredProviders: ConfiguredProviderUrl[] = [];

  constructor(servers: readonly InferenceServer[], userProfiles: readonly RouteProfile[], recognize: boolean) {
    const profiles = new Map<string, RouteProfile>();
    for (const p of [...BUILT_IN_PROFILES, ...userProfiles]) profiles.set(p.name, p);
    const compiled = new Map<string, CompiledRoute[]>();
    for (const p of profiles.values())
      compiled.set(
        p.name,
        p.routes.map((r) => compileRule(r, p)),
      );
    for (const server of servers) {
      const routes = compiled.get(server.profile);
      if (!routes) throw new TypeError(`inference-servers: unknown profile "${server.profile}" for ${server.url} (known: ${[...profiles.keys()].join(', ')})`);
      let url: URL;
      try {
        url = new URL(server.url);
      } catch {
        throw new TypeError(`inference-servers: "${server.url}" (profile ${server.profile}) is not a URL`);
      }
      const profile = profiles.get(server.profile)!;
      this.configuredProviders.push({ url: server.url, providerName: profile.providerName ?? profile.name });
      const entry: ConfiguredServer = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), routes, model: server.model };
      const list = this.byOrigin.get(url.origin) ?? [];
      list.push(entry);
      // The longest base path first, so `http://gw/vllm` wins over `http://gw`.
      list.sort((a, b) => b.basePath.length - a.basePath.length);
      this.byOrigin.set(url.origin, list);
    }
    const rules: CompiledRoute[] = [];
    const sources: string[] = [];
    if (recognize) {
      for (const p of profiles.values()) {
        p.routes.forEach((rule, i) => {
          if (!rule.recognize) return;
          const route = compiled.get(p.name)![i]!;
          rules.push(route);
          sources.push(route.regex.source);
        });
      }
    }
    this.recognized = rules;
    this.anyRecognized = sources.length > 0 ? new RegExp(sources.map((s) => `(?:${s})`).join('|')) : undefined;
  }

  /** The inference call `method origin path` is, or undefined. `path` may carry a query string. */
  match(method: string, origin: string, path: string): RouteMatch | undefined {
    const q = path.search(/[?#]/);
    const pathname = q === -1 ? path : path.slice(0, q);
    const servers = this.byOrigin.get(origin);
    if (servers) {
      for (const server of servers) {
        if (server.basePath !== '' && pathname !== server.basePath && !pathname.startsWith(`${server.basePath}/`)) continue;
        const found = findRoute(server.routes, method, pathname.slice(server.basePath.length) || '/', origin + server.basePath, server.model);
        if (found) return found;
        // Not one of this server's routes: recognition may still know it (one host, several servers).
        break;
      }
    }
    if (!this.anyRecognized || !this.anyRecognized.test(pathname)) return undefined;
    return findRoute(this.recognized, method, pathname, origin, undefined);
  }
}

function findRoute(routes: readonly CompiledRoute[], method: string, path: string, baseUrl: string, model: string | undefined): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.regex.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = safeDecode(m[i + 1]!);
    });
    return { providerName: route.providerName, operationName: route.operation, baseUrl, params, defaultModel: model, format: route.format };
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `LLM_PROVENANCE_INFERENCE_SERVERS`: comma-separated `profile=url` entries, e.g.
 * `vllm=http://gpu1:8000,openvino.ovms=http://ovms:9000`. A malformed entry is an error naming it.
 */
export function parseServersEnv(text: string | undefined): InferenceServer[] {
  if (!text || text.trim() === '') return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const eq = entry.indexOf('=');
      if (eq <= 0 || eq === entry.length - 1) throw new TypeError(`LLM_PROVENANCE_INFERENCE_SERVERS: "${entry}" is not profile=url`);
      return { profile: entry.slice(0, eq).trim(), url: entry.slice(eq + 1).trim() };
    });
}
