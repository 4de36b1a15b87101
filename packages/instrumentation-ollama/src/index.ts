export { OllamaInstrumentation, type OllamaInstrumentationConfig } from './instrumentation.js';
export { SUPPORTED_OLLAMA_VERSIONS } from './version.js';
