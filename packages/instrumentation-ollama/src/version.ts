/** This package's name and version, as the instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-ollama';
export const PACKAGE_VERSION = '0.1.0';

/**
 * Versions patched, by npm package (kept equal to package.json peerDependencies): ollama-js from
 * 0.5.6, the first with `embed()` and `AbortableAsyncIterator`, through 0.6.x, the newest line.
 */
export const SUPPORTED_VERSIONS = { ollama: '>=0.5.6 <0.7.0' } as const;
