/** Name and version reported as the instrumentation scope. Keep in step with package.json. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-openai';
export const PACKAGE_VERSION = '0.1.0';

/**
 * Versions patched, by npm package: the openai majors whose resource prototypes are patched (present in
 * 4.104, 5.23, 6.49, 7.57; tests run 4, 5, 6 and 7). Other versions load untouched, with a diag warning.
 */
export const SUPPORTED_VERSIONS = { openai: '>=4 <8' } as const;
