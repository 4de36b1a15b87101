/**
 * Redaction of a failed call's error before it reaches a span (status message, exception message and
 * stacktrace), so that neither the store nor an OTLP collector receives a credential a gateway or a
 * library echoed back. Three layers, because no single one catches everything:
 * 1. Values the app configured on the call: the SDK client's API key / auth token / webhook secret, the
 *    values of credential-bearing headers and query parameters among its `defaultHeaders` and
 *    `defaultQuery` (and the call's own `headers` / `query` options), and the user info and credential
 *    query parameters of its base URL, removed wherever they appear, with or without their name. A
 *    Stainless client (openai, @anthropic-ai/sdk, groq-sdk) is read here; any other backend hands over
 *    the same things in SDK-neutral form (`ConfiguredCredentials`).
 * 2. `name=value` and `name: value` pairs whose name is credential-bearing (the built-in list below plus
 *    the names in LLM_PROVENANCE_REDACT_NAMES), including JSON and JSON-in-a-string forms.
 * 3. The shapes of well-known keys (redaction.ts `scrubSecrets`: `sk-...`, `Bearer ...`, ...).
 */
import { REDACTED, scrubSecrets } from './redaction.js';

/**
 * What a call was configured with, in SDK-neutral form: a backend lists where its SDK keeps each
 * credential-bearing setting (client options and the call's own), and the redaction picks the secrets.
 */
export interface ConfiguredCredentials {
  /** Literal values to remove (API keys, tokens). */
  values?: ReadonlyArray<unknown>;
  /** Header sets (plain objects, `Headers`, `[name, value]` pairs): the values of credential-named headers. */
  headers?: ReadonlyArray<unknown>;
  /** Query parameter sets (plain objects, `URLSearchParams`, pairs): the values of credential-named parameters. */
  query?: ReadonlyArray<unknown>;
  /** URLs (base URL, host): their user info and the values of their credential-named query parameters. */
  urls?: ReadonlyArray<unknown>;
}

/** What the failed call's credentials can be read from. Read only when a call fails; never recorded. */
export interface CredentialSources extends ConfiguredCredentials {
  /** The credential the call used (API key / token). */
  credential?: string;
  /** The SDK client the call went through, if it is a Stainless client (`apiKey`, `baseURL`, `_options`). */
  sdkClient?: unknown;
  /** The call's Stainless request options (`headers`, `query`). */
  requestOptions?: unknown;
  /** More of the call's configuration, computed only when the call fails (see `GenAIRequest.configuredCredentials`). */
  configured?: () => ConfiguredCredentials | undefined;
}

/**
 * Header and query parameter names whose values are credentials, besides the SDK's own API key: HTTP
 * authorization, the common API-key headers, OAuth-style tokens, URL signatures and AWS SigV4
 * (`X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`, ...).
 */
const BUILT_IN_NAMES = [
  'authorization',
  'proxy-authorization',
  'api-key',
  'api_key',
  'apikey',
  'x-api-key',
  'x-goog-api-key',
  'key',
  'token',
  'access_token',
  'access-token',
  'id_token',
  'refresh_token',
  'signature',
  'sig',
  'password',
  'secret',
  'client_secret',
  'cookie',
  'set-cookie',
  'x-amz-*',
];

/** Extra names (comma-separated, case-insensitive, `*` at the end matches any suffix). */
export const REDACT_NAMES_ENV = 'LLM_PROVENANCE_REDACT_NAMES';

/** Literal values shorter than this are left alone: placeholders such as `ollama` or `none` are ordinary words. */
const MIN_LITERAL_LENGTH = 8;

interface NameRules {
  readonly raw: string;
  /** Tells a credential-bearing header or parameter name. */
  readonly isSecretName: RegExp;
  /** `name=value` (URLs, logs). */
  readonly assignment: RegExp;
  /** `name: value`, `"name": "value"`, `\"name\":\"value\"` (headers, JSON, JSON inside a string). */
  readonly pair: RegExp;
}

let rules: NameRules | undefined;

function escapeName(name: string): string {
  const wildcard = name.endsWith('*');
  const stem = (wildcard ? name.slice(0, -1) : name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return wildcard ? `${stem}[A-Za-z0-9_-]*` : stem;
}

/** The rules for the built-in names plus LLM_PROVENANCE_REDACT_NAMES (rebuilt only when the variable changes). */
function nameRules(): NameRules {
  const raw = process.env[REDACT_NAMES_ENV] ?? '';
  if (rules?.raw === raw) return rules;
  const configured = raw
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const names = [...new Set([...BUILT_IN_NAMES, ...configured])].map(escapeName).join('|');
  rules = {
    raw,
    isSecretName: new RegExp(`^(?:${names})$`, 'i'),
    assignment: new RegExp(`((?:^|[?&;,\\s"'(\\\\])(?:${names})=)(?!\\[REDACTED\\])[^&\\s"'\\\\#,;)]+`, 'gi'),
    pair: new RegExp(
      `((?:^|[^A-Za-z0-9_-])(?:${names})\\\\?["']?\\s*:\\s*\\\\?["']?(?:(?:Bearer|Basic|Token)\\s+)?)(?!\\[REDACTED\\]|(?:Bearer|Basic|Token)\\s)[^\\s"'\\\\,;}\\]]+`,
      'gi',
    ),
  };
  return rules;
}

function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The `[name, value]` pairs of a headers or query set: a plain object, a `Headers` / `URLSearchParams`, or a list of pairs. */
function entriesOf(entries: object): Iterable<unknown> {
  if (Array.isArray(entries)) return entries as unknown[];
  if (typeof (entries as { entries?: unknown }).entries === 'function') return (entries as { entries(): Iterable<unknown> }).entries();
  return Object.entries(entries);
}

/** Values of the credential-bearing entries of a headers or query set. */
function secretEntries(entries: unknown, into: string[], isSecretName: RegExp): void {
  if (!entries || typeof entries !== 'object') return;
  for (const pair of entriesOf(entries)) {
    if (!Array.isArray(pair)) continue;
    const [name, value] = pair as [unknown, unknown];
    if (typeof name !== 'string' || !isSecretName.test(name)) continue;
    for (const text of stringValues(value)) {
      into.push(text);
      // `Bearer <token>`: the token may be echoed without its scheme.
      const token = /^\s*(?:Bearer|Basic|Token)\s+(\S+)\s*$/i.exec(text)?.[1];
      if (token) into.push(token);
    }
  }
}

/** User info and credential query parameters of a URL. */
function urlSecrets(url: unknown, into: string[], isSecretName: RegExp): void {
  if (typeof url !== 'string' && !(url instanceof URL)) return;
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return;
  }
  for (const part of [parsed.username, parsed.password]) {
    if (part === '') continue;
    into.push(part);
    try {
      into.push(decodeURIComponent(part));
    } catch {
      // Not valid percent-encoding: only the form as written can be echoed.
    }
  }
  for (const [name, value] of parsed.searchParams) if (isSecretName.test(name)) into.push(value);
}

function field(object: unknown, name: string): unknown {
  return object !== null && typeof object === 'object' ? (object as Record<string, unknown>)[name] : undefined;
}

/** What a Stainless client and its request options were configured with (`_options` holds the constructor's options). */
function stainlessCredentials(client: unknown, requestOptions: unknown): ConfiguredCredentials {
  const options = field(client, '_options');
  const holders = [client, options];
  return {
    values: holders.flatMap((holder) => ['apiKey', 'authToken', 'webhookSecret'].map((name) => field(holder, name))),
    headers: [field(options, 'defaultHeaders'), field(requestOptions, 'headers')],
    query: [field(options, 'defaultQuery'), field(requestOptions, 'query')],
    urls: holders.map((holder) => field(holder, 'baseURL')),
  };
}

function collect(configured: ConfiguredCredentials | undefined, into: string[], isSecretName: RegExp): void {
  for (const value of configured?.values ?? []) into.push(...stringValues(value));
  for (const headers of configured?.headers ?? []) secretEntries(headers, into, isSecretName);
  for (const query of configured?.query ?? []) secretEntries(query, into, isSecretName);
  for (const url of configured?.urls ?? []) urlSecrets(url, into, isSecretName);
}

/** The literal credential values the call was configured with (longest first, so none leaves a tail of another). */
function configuredSecrets(sources: CredentialSources, isSecretName: RegExp): string[] {
  const found: string[] = [];
  if (sources.credential) found.push(sources.credential);
  const parts: Array<() => ConfiguredCredentials | undefined> = [
    () => sources,
    () =>
      sources.sdkClient !== undefined || sources.requestOptions !== undefined ? stainlessCredentials(sources.sdkClient, sources.requestOptions) : undefined,
    () => sources.configured?.(),
  ];
  for (const part of parts) {
    try {
      collect(part(), found, isSecretName);
    } catch {
      // An exotic client or options object (a getter that throws) costs only the values read from it.
    }
  }
  const unique = new Set<string>();
  for (const value of found) {
    if (value.length >= MIN_LITERAL_LENGTH) unique.add(value);
    // An echoed URL or JSON body may carry the value percent-encoded.
    const encoded = encodeURIComponent(value);
    if (encoded !== value && encoded.length >= MIN_LITERAL_LENGTH) unique.add(encoded);
  }
  return [...unique].sort((a, b) => b.length - a.length);
}

/**
 * A redactor for one failed call's texts (message, stack): every literal value the call was configured
 * with, every credential-named pair and every well-known key shape is replaced by `[REDACTED]`.
 */
export function errorRedactor(sources: CredentialSources): (text: string) => string {
  const { isSecretName, assignment, pair } = nameRules();
  let secrets: string[];
  try {
    secrets = configuredSecrets(sources, isSecretName);
  } catch {
    // An exotic client (a getter that throws) costs the literal layer only.
    secrets = sources.credential ? [sources.credential] : [];
  }
  return (text) => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    out = out.replace(assignment, `$1${REDACTED}`).replace(pair, `$1${REDACTED}`);
    return scrubSecrets(out);
  };
}
