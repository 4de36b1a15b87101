export { McpInstrumentation, type McpInstrumentationConfig } from './instrumentation.js';
export { withToolCall, TOOL_CALL_ID_META_KEY, MAX_TOOL_CALL_ID_LENGTH, type ModelToolCall } from './tool-call.js';
export { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';
