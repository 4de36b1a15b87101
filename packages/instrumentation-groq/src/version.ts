/** This package's name and version, as the OTel instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-groq';
export const PACKAGE_VERSION = '0.1.0';

/**
 * Versions patched, by npm package (package.json `supportedVersions` says the same): groq-sdk from
 * 0.5.0, the first release with `Groq.Chat.Completions` and `Groq.Embeddings` as they are today, through
 * the 1.x line. Other versions load untouched, with a diag warning.
 */
export const SUPPORTED_VERSIONS = { 'groq-sdk': '>=0.5.0 <2' } as const;
