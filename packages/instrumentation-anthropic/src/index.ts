export { AnthropicInstrumentation, type AnthropicInstrumentationConfig } from './instrumentation.js';
export { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';
// The Messages API mapping, for instrumentations that see the same requests another way (the AI SDK's, over fetch).
export { chatRequest, type AnthropicClientLike, type MessageCreateBody } from './request.js';
export { chatResponse } from './response.js';
export { ChatStreamAccumulator } from './stream-accumulator.js';
