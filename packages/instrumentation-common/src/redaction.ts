import { createHmac } from 'node:crypto';
import { BoundedCache } from './bounded-cache.js';

/**
 * Domain-separation key of the credential fingerprint. The fingerprint is
 * `hex(HMAC-SHA256(key = FINGERPRINT_DOMAIN, message = credential)).slice(0, 16)`:
 * 64 bits, enough to tell keys apart in an audit, one-way, and — because of the fixed HMAC key —
 * not equal to any plain SHA-256 of the key that might be published elsewhere. Changing this string
 * changes every fingerprint, so it is versioned.
 */
export const FINGERPRINT_DOMAIN = 'llm-provenance/credential-fingerprint/v1';

/**
 * Fingerprints of the credentials seen most recently, so the HMAC runs once per key rather than once
 * per call. The cache is keyed by the credential itself: it lives only in this module (never exported,
 * logged or serialised) and holds at most 32 keys, each of which the SDK client that sent it also holds
 * in memory (`client.apiKey`) for as long as the client lives; the cache may keep a key of a discarded
 * client until 32 newer ones have pushed it out (and, as the one asked for last, until another is asked for). A heap snapshot of the process shows the keys either way.
 */
const FINGERPRINTS = new BoundedCache<string, string>(32);

/** Short one-way fingerprint of a credential (16 lowercase hex chars), or undefined for no credential. */
export function fingerprintCredential(credential: string | null | undefined): string | undefined {
  if (typeof credential !== 'string' || credential.length === 0) return undefined;
  // The first 8 bytes as hex: the first 16 hex digits, as a string of its own (not a slice of a longer one).
  return (
    FINGERPRINTS.get(credential) ??
    FINGERPRINTS.set(credential, createHmac('sha256', FINGERPRINT_DOMAIN).update(credential, 'utf8').digest().toString('hex', 0, 8))
  );
}

export const REDACTED = '[REDACTED]';

/**
 * Patterns of things that look like secrets in free text (error messages, URLs). Each is replaced by
 * `[REDACTED]` (for `key=value` forms only the value is replaced, so the text stays readable).
 */
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // Authorization header values: "Bearer <token>", "Basic <b64>".
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`],
  // key=..., api_key=..., access_token=..., token=..., sig=... in URLs or logs.
  [/([?&;\s"']|^)((?:api[_-]?key|key|access[_-]?token|token|sig|signature|password|secret)=)[^&\s"'#]+/gi, `$1$2${REDACTED}`],
  // JSON / header style: "api-key": "...", x-api-key: ..., authorization: ...
  [/\b((?:x-)?api[_-]?key|authorization|x-goog-api-key)(["']?\s*[:=]\s*["']?)(?!Bearer\b|Basic\b)[^\s"',}]{4,}/gi, `$1$2${REDACTED}`],
  // OpenAI / Anthropic / DeepSeek style keys: sk-..., sk-proj-..., sk-ant-...
  [/\bsk-[A-Za-z0-9_*-]{6,}/g, REDACTED],
  // Groq keys, Hugging Face tokens, xAI keys, Google API keys, GitHub tokens, AWS access key ids.
  [/\bgsk_[A-Za-z0-9]{8,}/g, REDACTED],
  [/\bhf_[A-Za-z0-9]{8,}/g, REDACTED],
  [/\bxai-[A-Za-z0-9]{8,}/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{20,}/g, REDACTED],
  // Google OAuth 2.0 access tokens (Vertex AI through google-auth-library: no configured value to match).
  [/\bya29\.[0-9A-Za-z_.-]{20,}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED],
];

/**
 * Shorter known secrets are not replaced literally: placeholder keys of local servers (`ollama`, `EMPTY`,
 * `none`, `dummy`) are ordinary words, and replacing them would mangle the message ("[REDACTED]xistent").
 * Real API keys are far longer.
 */
const MIN_KNOWN_SECRET_LENGTH = 8;

/**
 * Removes anything that looks like a credential from free text (e.g. an error message put on a span).
 * `knownSecrets` are literal values to remove as well (e.g. the client's own API key): a key with no
 * well-known shape (a self-hosted gateway's token) matches none of the patterns, but the caller knows it.
 */
export function scrubSecrets(text: string, knownSecrets: ReadonlyArray<string | null | undefined> = []): string {
  let out = text;
  // Patterns first: a known secret that is a prefix of a longer key in the text (`sk-abc` in
  // `sk-abcdef...`) would otherwise leave the rest of that key behind, no longer matching any pattern.
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  for (const secret of knownSecrets) {
    if (typeof secret === 'string' && secret.length >= MIN_KNOWN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Query parameters whose values are credentials. */
const SECRET_QUERY_PARAMS = /^(key|api[_-]?key|access[_-]?token|token|sig|signature|password|secret|code)$/i;

/**
 * A URL safe to record: user info removed, credential-bearing query parameters replaced by `[REDACTED]`.
 * Returns undefined for something that is not a URL.
 */
export function redactUrl(url: string | URL): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return undefined;
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_PARAMS.test(name)) parsed.searchParams.set(name, REDACTED);
  }
  return parsed.toString();
}

/** Header names whose values are credentials. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|cookie|set-cookie)$/i;

/** A copy of `headers` with credential-bearing values replaced by `[REDACTED]`. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.test(name) ? REDACTED : value;
  return out;
}
