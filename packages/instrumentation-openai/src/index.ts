export { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from './instrumentation.js';
export { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';
// The OpenAI wire-format mapping, for instrumentations that see the same requests another way (the AI SDK's, over fetch).
export { clientInfo, type ClientInfo } from './client-info.js';
export { ChatStreamAccumulator, chatRequest, chatResponse } from './chat-mapping.js';
export { ResponsesStreamAccumulator, responsesRequest, responsesResponse } from './responses-mapping.js';
