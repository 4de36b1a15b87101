export * from './gen-ai-attributes.js';
export * from './general-attributes.js';
export * from './cost-attributes.js';
export * from './provenance-attributes.js';
export * from './values.js';
export * from './metrics.js';
export type * from './messages.js';
export * from './ollama-attributes.js';
export * from './inference-server-attributes.js';
