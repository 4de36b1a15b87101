export { AwsS3Instrumentation, type AwsS3InstrumentationConfig } from './instrumentation.js';
export * from './attributes.js';
export { rawCid } from './content-cid.js';
export { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';
