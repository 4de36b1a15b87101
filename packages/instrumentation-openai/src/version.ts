/** Name and version reported as the instrumentation scope. Keep in step with package.json. */
export const PACKAGE_NAME = '@llm-provenance/instrumentation-openai';
export const PACKAGE_VERSION = '0.1.0';
