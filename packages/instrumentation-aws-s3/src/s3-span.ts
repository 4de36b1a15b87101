import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_PROVENANCE_OBJECT_CID, ATTR_PROVENANCE_OBJECT_SIZE } from './attributes.js';
import { metadataAttributes } from './command-attributes.js';
import type { ContentDigest } from './content-cid.js';

/**
 * Query parameters and header values that carry a credential or a signature (SigV4 query and header
 * authentication: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html). An error
 * text that quotes a request (a presigned URL, a canonical request) loses their values.
 */
const SECRET_PATTERN = /(X-Amz-(?:Signature|Credential|Security-Token)=|Signature=|Credential=|x-amz-security-token:\s*)[^&\s"',]+/gi;

/** An error text with every credential and signature value removed. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, '$1<redacted>');
}

/** One S3 span: attributes set as they become known, the object's CID, the end. Never throws. */
export class S3Span {
  private ended = false;
  /** The request body's digest, once all its bytes have passed. */
  requestDigest: ContentDigest | undefined;

  constructor(readonly span: Span) {}

  get isEnded(): boolean {
    return this.ended;
  }

  set(attributes: Attributes): void {
    if (!this.ended) this.span.setAttributes(attributes);
  }

  /** `provenance.object.cid` and `provenance.object.size` of the bytes `digest` hashed, if they all passed. */
  setContent(digest: ContentDigest | undefined): void {
    const cid = digest?.finish();
    if (cid === undefined || !digest) return;
    this.set({ [ATTR_PROVENANCE_OBJECT_CID]: cid, [ATTR_PROVENANCE_OBJECT_SIZE]: digest.size });
  }

  /** Status ERROR, `error.type` (the S3 error code the SDK names the error after) and the request id. */
  fail(error: unknown): void {
    if (this.ended) return;
    const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata;
    const name = errorType(error, metadata?.httpStatusCode);
    const message = error instanceof Error ? error.message : String(error);
    this.set({ [ATTR_ERROR_TYPE]: name, ...metadataAttributes(metadata) });
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: redactSecrets(message) });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end();
  }
}

/**
 * The S3 error code the SDK names its error after (`NoSuchKey`, `InvalidAccessKeyId`, ...). A response
 * without a body (HEAD) has no code: the SDK calls it `Unknown`, and the HTTP status says more.
 */
function errorType(error: unknown, status: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  if ((name === 'Unknown' || name === '') && typeof status === 'number') return String(status);
  return name || 'Error';
}
