/**
 * Redaction of a failed call's error before it reaches a span (status message, exception message and
 * stacktrace), so that neither the store nor an OTLP collector receives a credential a gateway or a
 * library echoed back. Three layers, because no single one catches everything:
 * 1. Values the app configured on the call: the SDK client's API key / auth token / webhook secret, the
 *    values of credential-bearing headers and query parameters among its `defaultHeaders` and
 *    `defaultQuery` (and the call's own `headers` / `query` options), and the user info and credential
 *    query parameters of its base URL, removed wherever they appear, with or without their name.
 * 2. `name=value` and `name: value` pairs whose name is credential-bearing (the built-in list below plus
 *    the names in LLM_PROVENANCE_REDACT_NAMES), including JSON and JSON-in-a-string forms.
 * 3. The shapes of well-known keys (redaction.ts `scrubSecrets`: `sk-...`, `Bearer ...`, ...).
 */
import { REDACTED, scrubSecrets } from './redaction.js';

/** What the failed call's credentials can be read from. Read only when a call fails; never recorded. */
export interface CredentialSources {
  /** The credential the call used (API key / token). */
  credential?: string;
  /** The SDK client the call went through (e.g. a Stainless client: `apiKey`, `baseURL`, `_options`). */
  sdkClient?: unknown;
  /** The call's request options (`headers`, `query`). */
  requestOptions?: unknown;
  /** Further literal values to remove. */
  values?: ReadonlyArray<string | null | undefined>;
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

/** Values of the credential-bearing entries of a headers or query object (plain object or `Headers`). */
function secretEntries(entries: unknown, into: string[], isSecretName: RegExp): void {
  if (!entries || typeof entries !== 'object') return;
  const pairs: Iterable<[string, unknown]> =
    typeof (entries as { entries?: unknown }).entries === 'function' && !Array.isArray(entries)
      ? (entries as { entries(): Iterable<[string, unknown]> }).entries()
      : Object.entries(entries);
  for (const [name, value] of pairs) {
    if (!isSecretName.test(name)) continue;
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
    if (part !== '') into.push(part, decodeURIComponent(part));
  }
  for (const [name, value] of parsed.searchParams) if (isSecretName.test(name)) into.push(value);
}

function field(object: unknown, name: string): unknown {
  return object !== null && typeof object === 'object' ? (object as Record<string, unknown>)[name] : undefined;
}

/** The literal credential values the call was configured with (longest first, so none leaves a tail of another). */
function configuredSecrets(sources: CredentialSources, isSecretName: RegExp): string[] {
  const found: string[] = [];
  if (sources.credential) found.push(sources.credential);
  for (const value of sources.values ?? []) if (typeof value === 'string') found.push(value);
  const client = sources.sdkClient;
  const options = field(client, '_options');
  for (const holder of [client, options]) {
    for (const name of ['apiKey', 'authToken', 'webhookSecret']) found.push(...stringValues(field(holder, name)));
    urlSecrets(field(holder, 'baseURL'), found, isSecretName);
  }
  secretEntries(field(options, 'defaultHeaders'), found, isSecretName);
  secretEntries(field(options, 'defaultQuery'), found, isSecretName);
  secretEntries(field(sources.requestOptions, 'headers'), found, isSecretName);
  secretEntries(field(sources.requestOptions, 'query'), found, isSecretName);
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
