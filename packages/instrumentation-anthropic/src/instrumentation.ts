import {
  GenAIInstrumentationBase,
  type GenAIBackend,
  stainlessModule,
  type GenAIInstrumentationConfig,
  type ModulePatch,
  type StainlessOperation,
} from '@llm-provenance/instrumentation-common';
import { chatRequest, countTokensRequest } from './request.js';
import { chatResponse, countTokensResponse, errorType } from './response.js';
import { withoutSdkSpans } from './sdk-spans.js';
import { ChatStreamAccumulator } from './stream-accumulator.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

export type AnthropicInstrumentationConfig = GenAIInstrumentationConfig;

/** https://docs.anthropic.com/en/api/messages: APIPromise<Message> or APIPromise<Stream<event>>. */
const CHAT: StainlessOperation = { request: chatRequest, response: chatResponse, accumulator: (c) => new ChatStreamAccumulator(c) };

/** https://docs.anthropic.com/en/api/messages-count-tokens: APIPromise<{ input_tokens }>. */
const COUNT_TOKENS: StainlessOperation = { request: countTokensRequest, response: countTokensResponse };

/** The Messages API and the beta Messages API share request and response shapes. */
const MESSAGES = {
  methods: { create: CHAT, countTokens: COUNT_TOKENS },
  // `messages.stream()` sends its request through `create` (traced there); only the SDK's own span for
  // the helper is kept from starting (see sdk-spans.ts).
  passThrough: ['stream'],
};

/**
 * What is patched: `Anthropic.Messages.prototype` and `Anthropic.Beta.Messages.prototype`, reachable
 * from the package's main export in both its CommonJS and ES module builds, so every client is
 * covered: `create` (plain and `stream: true`; `messages.stream()` and `messages.parse()` go through
 * it) and `countTokens`.
 */
const ANTHROPIC_MODULE: ModulePatch = stainlessModule({
  module: '@anthropic-ai/sdk',
  versions: SUPPORTED_VERSIONS['@anthropic-ai/sdk'],
  clientClass: (exports) => exports?.Anthropic ?? exports?.default,
  requestIdHeader: 'request-id',
  resources: [
    { resource: (Anthropic) => Anthropic?.Messages, ...MESSAGES },
    { resource: (Anthropic) => Anthropic?.Beta?.Messages, ...MESSAGES },
  ],
  errorType,
  // Our span replaces the one SDK >= 0.134 would start for the same call.
  around: withoutSdkSpans,
  notFound: '@anthropic-ai/sdk: Anthropic.Messages.prototype.create not found; calls are not instrumented',
});

/** Traces `@anthropic-ai/sdk` Messages API calls (0.33 .. 1.x) under both `require` and `import`. */
export class AnthropicInstrumentation extends GenAIInstrumentationBase<AnthropicInstrumentationConfig> {
  static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [ANTHROPIC_MODULE] };
}
