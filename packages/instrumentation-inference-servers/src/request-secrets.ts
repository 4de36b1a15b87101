/**
 * The credentials a request carries: `Authorization` (its bearer token is the call's credential, of
 * which the span records only a fingerprint), `api-key` / `x-api-key` headers, and `key` / `api_key`
 * query parameters. They are kept only to be removed from error texts by instrumentation-common's error
 * redaction (handed over as the call's request options); never recorded.
 */
export class RequestSecrets {
  readonly #headers: Record<string, string> = {};
  readonly #query: Record<string, string> = {};
  #credential: string | undefined;

  get credential(): string | undefined {
    return this.#credential;
  }

  /** A request header, as the client sends it. */
  header(name: string, value: string): void {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      this.#headers[lower] = value;
      const m = /^\s*(?:bearer|token)\s+(\S+)/i.exec(value);
      if (lower === 'authorization') this.#credential ??= m ? m[1] : value;
    } else if (lower === 'api-key' || lower === 'x-api-key') {
      this.#headers[lower] = value;
      this.#credential ??= value;
    }
  }

  /** The query string of the request's path. */
  query(path: string): void {
    const q = path.indexOf('?');
    if (q === -1) return;
    for (const [name, value] of new URLSearchParams(path.slice(q + 1))) {
      const lower = name.toLowerCase();
      if (lower === 'key' || lower === 'api_key' || lower === 'apikey' || lower === 'access_token' || lower === 'token') {
        this.#query[name] = value;
        this.#credential ??= value;
      }
    }
  }

  /** For error redaction (`GenAIRequest.requestOptions`): `{headers, query}` with the values seen. */
  asRequestOptions(): { headers: Record<string, string>; query: Record<string, string> } {
    return { headers: { ...this.#headers }, query: { ...this.#query } };
  }
}
