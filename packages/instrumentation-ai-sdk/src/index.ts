export { AiSdkInstrumentation, type AiSdkInstrumentationConfig } from './instrumentation.js';
export { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';
