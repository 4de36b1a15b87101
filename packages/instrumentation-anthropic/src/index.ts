export { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from './instrumentation.js';
export { SUPPORTED_SDK_VERSIONS } from './version.js';
