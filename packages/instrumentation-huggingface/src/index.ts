export { HuggingFaceInstrumentation, type HuggingFaceInstrumentationConfig } from './instrumentation.js';
export { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';
