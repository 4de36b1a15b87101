/** This package's name and version, as the instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-ollama';
export const PACKAGE_VERSION = '0.1.0';

/**
 * ollama-js versions this package instruments (kept equal to package.json peerDependencies):
 * 0.5.6 is the first with `embed()` and `AbortableAsyncIterator`; 0.6.x is the newest line.
 */
export const SUPPORTED_OLLAMA_VERSIONS = '>=0.5.6 <0.7.0';
