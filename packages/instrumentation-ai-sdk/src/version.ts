/** This package's name and version, as the OTel instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-ai-sdk';
export const PACKAGE_VERSION = '0.1.0';

/**
 * The AI SDK and provider packages (tested majors: the 6 line, and the 7 line, whose packages need Node >= 22)
 * whose requests are recognised (by the AI SDK part of the User-Agent they send). Nothing is patched: the
 * providers call global `fetch`, which is observed.
 */
export const SUPPORTED_VERSIONS = {
  ai: '>=6.0.0 <8',
  '@ai-sdk/openai': '>=3.0.0 <5',
  '@ai-sdk/openai-compatible': '>=2.0.0 <4',
  '@ai-sdk/anthropic': '>=3.0.0 <5',
} as const;
