export { GroqInstrumentation, type GroqInstrumentationConfig } from './instrumentation.js';
export { SUPPORTED_SDK_VERSIONS } from './version.js';
