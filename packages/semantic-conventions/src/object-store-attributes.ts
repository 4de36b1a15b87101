/**
 * Attribute names on object-store (S3) spans. The `rpc.*`, `aws.*` and `aws.s3.*` names are the
 * OpenTelemetry semantic conventions for AWS S3 (https://opentelemetry.io/docs/specs/semconv/object-stores/s3/)
 * and for AWS SDK RPC spans (https://opentelemetry.io/docs/specs/semconv/cloud-providers/aws-sdk/);
 * `provenance.object.*` and `provenance.s3.*` are ours.
 */

/** Spec: AWS SDK spans. Always `aws-api` (`RPC_SYSTEM_AWS_API`) for an AWS SDK call. */
export const ATTR_RPC_SYSTEM = 'rpc.system';
/** Spec: AWS SDK spans. The AWS service, `S3` (`RPC_SERVICE_S3`). */
export const ATTR_RPC_SERVICE = 'rpc.service';
/** Spec: AWS SDK spans. The operation, e.g. `PutObject`. */
export const ATTR_RPC_METHOD = 'rpc.method';
/** Spec: AWS SDK spans. The request id AWS returned (`x-amz-request-id`). */
export const ATTR_AWS_REQUEST_ID = 'aws.request_id';
/** Spec: AWS S3. The extended request id S3 returned (`x-amz-id-2`). */
export const ATTR_AWS_EXTENDED_REQUEST_ID = 'aws.extended_request_id';
/** Spec: AWS S3. The bucket the call names. */
export const ATTR_AWS_S3_BUCKET = 'aws.s3.bucket';
/** Spec: AWS S3. The object key the call names. */
export const ATTR_AWS_S3_KEY = 'aws.s3.key';
/** Spec: AWS S3. The multipart upload's id. */
export const ATTR_AWS_S3_UPLOAD_ID = 'aws.s3.upload_id';
/** Spec: AWS S3. The part number of an UploadPart / UploadPartCopy. */
export const ATTR_AWS_S3_PART_NUMBER = 'aws.s3.part_number';
/** Spec: AWS S3. The source of a CopyObject / UploadPartCopy (`bucket/key`). */
export const ATTR_AWS_S3_COPY_SOURCE = 'aws.s3.copy_source';
/** Spec: AWS S3. The objects a DeleteObjects call names, in the convention's text form. */
export const ATTR_AWS_S3_DELETE = 'aws.s3.delete';

/** CIDv1, raw codec (0x55), sha2-256 of the object's (or part's) bytes, base32: the content's address. */
export const ATTR_PROVENANCE_OBJECT_CID = 'provenance.object.cid';
/** Size in bytes of the object (or part): the bytes hashed, else the Content-Length S3 returned. */
export const ATTR_PROVENANCE_OBJECT_SIZE = 'provenance.object.size';
/** The ETag S3 returned for the object (or part). */
export const ATTR_PROVENANCE_OBJECT_ETAG = 'provenance.object.etag';
/** The version id S3 returned, on a versioned bucket. */
export const ATTR_PROVENANCE_OBJECT_VERSION_ID = 'provenance.object.version_id';
/** The number of keys a ListObjects / ListObjectsV2 page returned. */
export const ATTR_PROVENANCE_S3_KEY_COUNT = 'provenance.s3.key_count';
/** Seconds a presigned URL stays valid (`getSignedUrl`'s `expiresIn`, 900 when not given). */
export const ATTR_PROVENANCE_S3_PRESIGNED_EXPIRES_IN = 'provenance.s3.presigned.expires_in';

/** `rpc.system` of every AWS SDK call. */
export const RPC_SYSTEM_AWS_API = 'aws-api';
/** `rpc.service` of an S3 call. */
export const RPC_SERVICE_S3 = 'S3';
