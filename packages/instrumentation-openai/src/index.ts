export { OpenAIInstrumentation, SUPPORTED_VERSIONS, type OpenAIInstrumentationConfig } from './instrumentation.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
