/**
 * Attribute names on S3 spans. The `rpc.*`, `aws.*` and `aws.s3.*` names are the OpenTelemetry semantic
 * conventions for AWS S3 (https://opentelemetry.io/docs/specs/semconv/object-stores/s3/) and the AWS SDK
 * RPC spans (https://opentelemetry.io/docs/specs/semconv/cloud-providers/aws-sdk/); `provenance.object.*`
 * and `provenance.s3.*` are ours.
 */
export const ATTR_RPC_SYSTEM = 'rpc.system';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';
export const ATTR_AWS_REQUEST_ID = 'aws.request_id';
export const ATTR_AWS_EXTENDED_REQUEST_ID = 'aws.extended_request_id';
export const ATTR_AWS_S3_BUCKET = 'aws.s3.bucket';
export const ATTR_AWS_S3_KEY = 'aws.s3.key';
export const ATTR_AWS_S3_UPLOAD_ID = 'aws.s3.upload_id';
export const ATTR_AWS_S3_PART_NUMBER = 'aws.s3.part_number';
export const ATTR_AWS_S3_COPY_SOURCE = 'aws.s3.copy_source';
export const ATTR_AWS_S3_DELETE = 'aws.s3.delete';
export const ATTR_ERROR_TYPE = 'error.type';

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

export const RPC_SYSTEM_AWS_API = 'aws-api';
export const RPC_SERVICE_S3 = 'S3';
