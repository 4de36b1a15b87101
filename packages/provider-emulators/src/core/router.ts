import type { HttpMethod, ProviderModule, Route } from './types.js';

export interface CompiledRoute {
  provider: ProviderModule;
  route: Route;
  method: HttpMethod;
  pattern: RegExp;
}

export interface RouteMatch {
  provider: ProviderModule;
  route: Route;
  params: Record<string, string>;
}

/**
 * Turns `/v1beta/models/{model}:generateContent` into an anchored RegExp; `{name}` matches within one
 * path segment (no `/`), everything else is literal.
 */
export function compilePath(path: string | RegExp): RegExp {
  if (path instanceof RegExp) return path;
  let source = '';
  let last = 0;
  for (const m of path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    source += escapeRegExp(path.slice(last, m.index)) + `(?<${m[1]}>[^/]+?)`;
    last = m.index + m[0].length;
  }
  source += escapeRegExp(path.slice(last));
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileRoutes(providers: ProviderModule[]): CompiledRoute[] {
  const compiled: CompiledRoute[] = [];
  for (const provider of providers) {
    for (const route of provider.routes) {
      compiled.push({ provider, route, method: route.method, pattern: compilePath(route.path) });
    }
  }
  return compiled;
}

/** First route (in registration order) whose method and path both match. */
export function matchRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) params[k] = decodeURIComponent(v);
    return { provider: r.provider, route: r.route, params };
  }
  return undefined;
}
