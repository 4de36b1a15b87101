/** This package's name and version, as the instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-bullmq';
export const PACKAGE_VERSION = '0.1.0';

/** BullMQ versions patched. */
export const SUPPORTED_VERSIONS = { bullmq: '>=5.34.0 <6' } as const;
