import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE } from '@llm-provenance/semantic-conventions';
import { errorRedactor, type CredentialSources } from './error-redaction.js';

/** `error.type` fallback (conventions: "_OTHER" when the type is not known). */
export const ERROR_TYPE_OTHER = '_OTHER';

/**
 * The HTTP status code an SDK error carries (`status` or `statusCode`, or `httpResponse.status` as
 * `@huggingface/inference` errors do; numeric 100..599), if any.
 */
export function httpStatusOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; status_code?: unknown; httpResponse?: { status?: unknown } | null };
  for (const candidate of [e.status, e.statusCode, e.status_code, e.httpResponse?.status]) {
    const n = typeof candidate === 'string' ? Number(candidate) : candidate;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599) return n;
  }
  return undefined;
}

/**
 * `error.type` for SDKs built on fetch: fetch rejects an aborted request or body read (an `AbortSignal`)
 * with a DOMException named `AbortError` (https://fetch.spec.whatwg.org/#abort-fetch); other errors get
 * the default (undefined: `errorTypeOf`).
 */
export function fetchAbortErrorType(err: unknown): string | undefined {
  return !!err && typeof err === 'object' && (err as { name?: unknown }).name === 'AbortError' ? 'AbortError' : undefined;
}

/**
 * `error.type` for a failed call: the HTTP status code as a string for API errors (e.g. '429'),
 * otherwise the exception's class name (e.g. 'APIConnectionTimeoutError'), otherwise '_OTHER'.
 */
export function errorTypeOf(err: unknown): string {
  const status = httpStatusOf(err);
  if (status !== undefined) return String(status);
  if (err && typeof err === 'object') {
    const ctorName = (err as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctorName === 'string' && ctorName !== '' && ctorName !== 'Object') return ctorName;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return ERROR_TYPE_OTHER;
}

/**
 * `exception.type` of the exception event: the exception's class, as the semantic conventions define it
 * (https://opentelemetry.io/docs/specs/semconv/exceptions/exceptions-spans/), e.g. 'AuthenticationError'
 * for a 401 — not `error.type`, which is the status code for HTTP errors. A plain `Error` gives its
 * `name` (so an error named for what happened, like our synthetic aborts, keeps that name).
 */
export function exceptionTypeOf(err: unknown, fallback: string): string {
  if (err && typeof err === 'object') {
    const ctorName = (err as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctorName === 'string' && ctorName !== '' && ctorName !== 'Object' && ctorName !== 'Error') return ctorName;
    const name = (err as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') return name;
  }
  return fallback;
}

/** The call's credentials as error-redaction.ts reads them; a list is literal values (e.g. the API key). */
export type KnownSecrets = CredentialSources | ReadonlyArray<string | null | undefined>;

function redactorFor(known: KnownSecrets): (text: string) => string {
  return errorRedactor(isValueList(known) ? { values: known } : known);
}

function isValueList(known: KnownSecrets): known is ReadonlyArray<string | null | undefined> {
  return Array.isArray(known);
}

/**
 * The error's message with every credential removed (error-redaction.ts): the values the call was
 * configured with (`known`), credential-named pairs, and everything shaped like a key.
 */
export function safeErrorMessage(err: unknown, known: KnownSecrets = []): string {
  return redactorFor(known)(errorMessageOf(err));
}

function errorMessageOf(err: unknown): string {
  return err instanceof Error ? err.message : typeof err === 'string' ? err : safeString(err);
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unknown error';
  }
}

/**
 * Marks `span` as failed by `err`: `error.type` (or `errorType` when the caller knows better),
 * `http.response.status_code` when the error carries one, status ERROR with the redacted message, and an
 * exception event whose message and stack are redacted too (error-redaction.ts: the values of `known`,
 * the call's credentials, wherever they appear, credential-named pairs, and key shapes). This is the one
 * place an error's text reaches a span, so the store and OTLP only ever see the redacted form.
 */
export function recordSpanError(span: Span, err: unknown, errorType?: string, known: KnownSecrets = []): void {
  const redact = redactorFor(known);
  const message = redact(errorMessageOf(err));
  span.setAttribute(ATTR_ERROR_TYPE, errorType ?? errorTypeOf(err));
  const status = httpStatusOf(err);
  if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  const stack = err instanceof Error && typeof err.stack === 'string' ? redact(err.stack) : undefined;
  span.recordException({ name: exceptionTypeOf(err, errorType ?? errorTypeOf(err)), message, ...(stack ? { stack } : {}) });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
