/** This package's name and version, as the instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-aws-s3';
export const PACKAGE_VERSION = '0.1.0';

/** Versions patched, by npm package: the AWS SDK for JavaScript v3 line. */
export const SUPPORTED_VERSIONS = {
  '@aws-sdk/client-s3': '^3.0.0',
  '@aws-sdk/lib-storage': '^3.0.0',
  '@aws-sdk/s3-request-presigner': '^3.0.0',
} as const;
