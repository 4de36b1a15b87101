/** This package's name and version, as the instrumentation scope. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-huggingface';
export const PACKAGE_VERSION = '0.1.0';

/**
 * Versions patched, by npm package (kept equal to package.json peerDependencies): the 4.x line of
 * `@huggingface/inference`, whose `InferenceClient` calls one exported function per task, each in its
 * own file (dist/{commonjs,esm}/tasks/nlp/<task>.js).
 */
export const SUPPORTED_VERSIONS = { '@huggingface/inference': '>=4.0.0 <5' } as const;
