import { BoundedCache } from './bounded-cache.js';

/** What the spans take from a client's base URL: host (lower case), address and port (never path, query or user info). */
export interface UrlInfo {
  /** Lower-cased hostname as the URL parser gives it (IPv6 in brackets). */
  host: string;
  /** `server.address`: the host, IPv6 without brackets; undefined when empty. */
  address: string | undefined;
  /** `server.port`: the URL's port, else the scheme's default; undefined for an unknown scheme without one. */
  port: number | undefined;
  /** The port written in the URL, if any. */
  explicitPort: number | undefined;
}

const DEFAULT_PORTS: Record<string, number> = { 'https:': 443, 'http:': 80, 'wss:': 443, 'ws:': 80 };

/** Most clients of a process use one or a few base URLs: each is parsed once. null = not a URL. */
const PARSED = new BoundedCache<string, UrlInfo | null>(64);

/** The parts of `baseUrl` spans use, or undefined when it is absent or not a URL. */
export function urlInfo(baseUrl: string | URL | null | undefined): UrlInfo | undefined {
  if (!baseUrl) return undefined;
  const key = typeof baseUrl === 'string' ? baseUrl : String(baseUrl);
  let info = PARSED.get(key);
  if (info === undefined) info = PARSED.set(key, parse(key));
  return info ?? undefined;
}

function parse(text: string): UrlInfo | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase();
  const address = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const explicitPort = url.port ? Number(url.port) : undefined;
  return { host, address: address || undefined, port: explicitPort ?? DEFAULT_PORTS[url.protocol], explicitPort };
}
