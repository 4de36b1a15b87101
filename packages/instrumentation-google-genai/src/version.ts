/** This package's name and version, as the instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-google-genai';
export const PACKAGE_VERSION = '0.1.0';

/**
 * Versions patched, by npm package (kept equal to package.json peerDependencies). @google/genai 1.x-3.x
 * share the patch points (`Models.prototype.generateContentInternal` ...); 3.x needs Node >= 22. The
 * legacy @google/generative-ai, deprecated by Google in favour of @google/genai: 0.21-0.24 share the
 * class layout.
 */
export const SUPPORTED_VERSIONS = {
  '@google/genai': '>=1.0.0 <4',
  '@google/generative-ai': '>=0.21.0 <1',
} as const;
