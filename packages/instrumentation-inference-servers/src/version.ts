/** This package's name and version, as the OTel instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-inference-servers';
export const PACKAGE_VERSION = '0.1.0';

/**
 * Versions of the `undici` npm package whose `fetch` is observed for in-memory request bodies (its
 * `request`, `stream` and dispatchers are observed through diagnostics channels, whatever the version).
 * Node's own global `fetch` needs no package.
 */
export const SUPPORTED_VERSIONS = { undici: '>=5.0.0 <9' } as const;
