/** What an ollama-js client keeps in its `config`: the server's base URL and the headers it sends. */
export interface OllamaClientConfig {
  host?: string;
  headers?: unknown;
}

/**
 * The credential an ollama-js client sends, so the span can carry its fingerprint (never its value).
 * A local Ollama needs none, but a server behind an authenticating proxy, or ollama.com, takes
 * `Authorization: Bearer <key>`: from the client's `headers` option (a plain object, a `Headers`, or
 * entry pairs), else — as ollama-js >= 0.6 does for https://ollama.com only — from `OLLAMA_API_KEY`
 * (https://github.com/ollama/ollama-js, `fetchWithHeaders`).
 */
export function ollamaCredential(config: OllamaClientConfig | undefined): string | undefined {
  const authorization = headerOf(config?.headers, 'authorization');
  if (authorization !== undefined) return authorization.replace(/^Bearer\s+/i, '') || undefined;
  if (isOllamaCom(config?.host)) {
    const key = typeof process === 'object' && process !== null ? process.env?.OLLAMA_API_KEY : undefined;
    if (typeof key === 'string' && key !== '') return key;
  }
  return undefined;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(n: string): unknown }).get(name);
    return typeof value === 'string' ? value : undefined;
  }
  const entries: unknown[] = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const entry of entries) {
    if (Array.isArray(entry) && typeof entry[0] === 'string' && entry[0].toLowerCase() === name && typeof entry[1] === 'string') return entry[1];
  }
  return undefined;
}

function isOllamaCom(host: unknown): boolean {
  if (typeof host !== 'string') return false;
  try {
    const url = new URL(host);
    return url.protocol === 'https:' && url.hostname === 'ollama.com';
  } catch {
    return false;
  }
}
