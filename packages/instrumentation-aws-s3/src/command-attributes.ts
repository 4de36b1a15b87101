import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_AWS_EXTENDED_REQUEST_ID,
  ATTR_AWS_REQUEST_ID,
  ATTR_AWS_S3_BUCKET,
  ATTR_AWS_S3_COPY_SOURCE,
  ATTR_AWS_S3_DELETE,
  ATTR_AWS_S3_KEY,
  ATTR_AWS_S3_PART_NUMBER,
  ATTR_AWS_S3_UPLOAD_ID,
  ATTR_PROVENANCE_OBJECT_ETAG,
  ATTR_PROVENANCE_OBJECT_SIZE,
  ATTR_PROVENANCE_OBJECT_VERSION_ID,
  ATTR_PROVENANCE_S3_KEY_COUNT,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM,
  RPC_SERVICE_S3,
  RPC_SYSTEM_AWS_API,
} from './attributes.js';

type Fields = Record<string, unknown>;

/**
 * The operation a command object stands for: `PutObjectCommand` -> `PutObject`. Every v3 command class
 * is named `<Operation>Command`; the minified browser builds are not loaded by Node.
 */
export function operationOf(command: unknown): string | undefined {
  const name = (command as { constructor?: { name?: unknown } } | undefined)?.constructor?.name;
  if (typeof name !== 'string' || !name.endsWith('Command') || name.length <= 'Command'.length) return undefined;
  return name.slice(0, -'Command'.length);
}

/** `rpc.*` of an S3 operation. */
export function rpcAttributes(operation: string): Attributes {
  return { [ATTR_RPC_SYSTEM]: RPC_SYSTEM_AWS_API, [ATTR_RPC_SERVICE]: RPC_SERVICE_S3, [ATTR_RPC_METHOD]: operation };
}

/**
 * What a command's input says about the object, by the S3 conventions. Only these named fields are read:
 * SSE-C keys, checksums, ACL grants and anything else in the input never reach the span.
 */
export function requestAttributes(operation: string, input: Fields | undefined): Attributes {
  const attributes = rpcAttributes(operation);
  if (!input || typeof input !== 'object') return attributes;
  setString(attributes, ATTR_AWS_S3_BUCKET, input.Bucket);
  setString(attributes, ATTR_AWS_S3_KEY, input.Key);
  setString(attributes, ATTR_AWS_S3_UPLOAD_ID, input.UploadId);
  if (typeof input.PartNumber === 'number') attributes[ATTR_AWS_S3_PART_NUMBER] = input.PartNumber;
  setString(attributes, ATTR_AWS_S3_COPY_SOURCE, input.CopySource);
  if (operation === 'DeleteObjects') {
    const deletion = deleteContainer(input.Delete);
    if (deletion) attributes[ATTR_AWS_S3_DELETE] = deletion;
  }
  return attributes;
}

/** What a successful response says about the object: ETag, version id, size, upload id, key count. */
export function responseAttributes(operation: string, output: Fields | undefined): Attributes {
  const attributes: Attributes = {};
  if (!output || typeof output !== 'object') return attributes;
  const fields =
    operation === 'CopyObject' && output.CopyObjectResult && typeof output.CopyObjectResult === 'object'
      ? { ...output, ...(output.CopyObjectResult as Fields) }
      : output;
  setString(attributes, ATTR_PROVENANCE_OBJECT_ETAG, fields.ETag);
  setString(attributes, ATTR_PROVENANCE_OBJECT_VERSION_ID, fields.VersionId);
  if (operation === 'CreateMultipartUpload') setString(attributes, ATTR_AWS_S3_UPLOAD_ID, fields.UploadId);
  if ((operation === 'GetObject' || operation === 'HeadObject') && typeof fields.ContentLength === 'number')
    attributes[ATTR_PROVENANCE_OBJECT_SIZE] = fields.ContentLength;
  if (operation === 'ListObjectsV2' && typeof fields.KeyCount === 'number') attributes[ATTR_PROVENANCE_S3_KEY_COUNT] = fields.KeyCount;
  if (operation === 'ListObjects') attributes[ATTR_PROVENANCE_S3_KEY_COUNT] = Array.isArray(fields.Contents) ? fields.Contents.length : 0;
  Object.assign(attributes, metadataAttributes(output.$metadata));
  return attributes;
}

/** `aws.request_id` (and the extended id S3 sends as x-amz-id-2) from a response's or an error's `$metadata`. */
export function metadataAttributes(metadata: unknown): Attributes {
  const attributes: Attributes = {};
  if (!metadata || typeof metadata !== 'object') return attributes;
  setString(attributes, ATTR_AWS_REQUEST_ID, (metadata as Fields).requestId);
  setString(attributes, ATTR_AWS_EXTENDED_REQUEST_ID, (metadata as Fields).extendedRequestId);
  return attributes;
}

/**
 * `aws.s3.delete` in the form the convention shows: `Objects=[{Key=a,VersionId=v},{Key=b}],Quiet=false`.
 */
function deleteContainer(deletion: unknown): string | undefined {
  if (!deletion || typeof deletion !== 'object') return undefined;
  const { Objects, Quiet } = deletion as Fields;
  const objects = Array.isArray(Objects)
    ? Objects.map((object: Fields) => {
        const parts = [`Key=${String(object?.Key)}`];
        if (typeof object?.VersionId === 'string') parts.push(`VersionId=${object.VersionId}`);
        return `{${parts.join(',')}}`;
      })
    : [];
  return `Objects=[${objects.join(',')}]${typeof Quiet === 'boolean' ? `,Quiet=${Quiet}` : ''}`;
}

function setString(attributes: Attributes, name: string, value: unknown): void {
  if (typeof value === 'string' && value !== '') attributes[name] = value;
}
