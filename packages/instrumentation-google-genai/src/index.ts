export { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from './instrumentation.js';
export { SUPPORTED_GOOGLE_GENAI_VERSIONS, SUPPORTED_GENERATIVE_AI_VERSIONS } from './version.js';
