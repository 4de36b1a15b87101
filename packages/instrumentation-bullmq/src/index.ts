export { BullMQInstrumentation, type BullMQInstrumentationConfig, type BullMQJob, type BullMQWorker } from './instrumentation.js';
export * from './attributes.js';
export { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';
