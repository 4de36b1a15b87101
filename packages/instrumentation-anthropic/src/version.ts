/** This package's name and version, as the OTel instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-anthropic';
export const PACKAGE_VERSION = '0.1.0';

/**
 * Versions patched, by npm package (package.json `supportedVersions` says the same): @anthropic-ai/sdk
 * from 0.33.0, which made token counting, prompt caching and batches generally available on `Messages`,
 * through 1.x, the newest major. Other versions load untouched, with a diag warning.
 */
export const SUPPORTED_VERSIONS = { '@anthropic-ai/sdk': '>=0.33.0 <2' } as const;
