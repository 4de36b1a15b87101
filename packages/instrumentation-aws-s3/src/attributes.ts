/**
 * The attribute names on S3 spans live in @llm-provenance/semantic-conventions (object-store-attributes),
 * with every other package's names; they are re-exported here so that this package's users find them next
 * to the instrumentation.
 */
export {
  ATTR_AWS_EXTENDED_REQUEST_ID,
  ATTR_AWS_REQUEST_ID,
  ATTR_AWS_S3_BUCKET,
  ATTR_AWS_S3_COPY_SOURCE,
  ATTR_AWS_S3_DELETE,
  ATTR_AWS_S3_KEY,
  ATTR_AWS_S3_PART_NUMBER,
  ATTR_AWS_S3_UPLOAD_ID,
  ATTR_ERROR_TYPE,
  ATTR_PROVENANCE_OBJECT_CID,
  ATTR_PROVENANCE_OBJECT_ETAG,
  ATTR_PROVENANCE_OBJECT_SIZE,
  ATTR_PROVENANCE_OBJECT_VERSION_ID,
  ATTR_PROVENANCE_S3_KEY_COUNT,
  ATTR_PROVENANCE_S3_PRESIGNED_EXPIRES_IN,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM,
  RPC_SERVICE_S3,
  RPC_SYSTEM_AWS_API,
} from '@llm-provenance/semantic-conventions';
