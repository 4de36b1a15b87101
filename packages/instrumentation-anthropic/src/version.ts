/** This package's name and version, as the OTel instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-anthropic';
export const PACKAGE_VERSION = '0.1.0';

/**
 * @anthropic-ai/sdk versions this instrumentation patches (package.json `supportedVersions` says the same):
 * 0.33.0 made token counting, prompt caching and batches generally available on `Messages`; 1.x is the
 * newest major. Other versions load untouched, with a diag warning.
 */
export const SUPPORTED_SDK_VERSIONS = '>=0.33.0 <2';
