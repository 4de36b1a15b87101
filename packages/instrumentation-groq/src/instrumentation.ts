import {
  GenAIInstrumentationBase,
  type GenAIBackend,
  stainlessModule,
  type GenAIInstrumentationConfig,
  type ModulePatch,
} from '@llm-provenance/instrumentation-common';
import { CHAT, EMBEDDINGS, groqClient } from './mapping.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

export type GroqInstrumentationConfig = GenAIInstrumentationConfig;

/**
 * What is patched: `Groq.Chat.Completions.prototype.create` (plain and `stream: true`, tool calls
 * included) and `Groq.Embeddings.prototype.create`, reachable from the package's main export in its
 * CommonJS and ES module builds and shared by every client instance
 * (https://console.groq.com/docs/api-reference#chat-create and #embeddings-create).
 */
const GROQ_MODULE: ModulePatch = stainlessModule({
  module: 'groq-sdk',
  versions: SUPPORTED_VERSIONS['groq-sdk'],
  clientClass: (exports) => exports?.Groq ?? exports?.default,
  client: groqClient,
  requestIdHeader: 'x-request-id',
  resources: [
    { resource: (Groq) => Groq?.Chat?.Completions, methods: { create: CHAT } },
    { resource: (Groq) => Groq?.Embeddings, methods: { create: EMBEDDINGS } },
  ],
  notFound: 'groq-sdk loaded, but Groq.Chat.Completions / Groq.Embeddings were not found; nothing is traced',
});

/** Traces `groq-sdk` (0.5 .. 1.x) under both `require` and `import`. */
export class GroqInstrumentation extends GenAIInstrumentationBase<GroqInstrumentationConfig> {
  static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [GROQ_MODULE] };
}
