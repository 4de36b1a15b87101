/** This package's name and version, as the OTel instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-ai-sdk';
export const PACKAGE_VERSION = '0.1.0';

/**
 * The AI SDK and provider packages (tested majors) whose requests are recognised (by the `ai-sdk/<provider>/<version>` part
 * of the User-Agent they send). Nothing is patched: the providers call global `fetch`, which is observed.
 */
export const SUPPORTED_VERSIONS = {
  ai: '>=6.0.0 <7',
  '@ai-sdk/openai': '>=3.0.0 <4',
  '@ai-sdk/openai-compatible': '>=2.0.0 <3',
  '@ai-sdk/anthropic': '>=3.0.0 <4',
} as const;
