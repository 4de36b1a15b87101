export { startEmulator, HOLD_AFTER_HEADER } from './core/emulator.js';
export type {
  Emulator,
  EmulatorOptions,
  RecordedRequest,
  Scenario,
  ErrorScenario,
  ToolCallScenario,
  StreamErrorAfterScenario,
  HoldAfterScenario,
  NoUsageScenario,
  HangScenario,
  TextScenario,
  CacheScenario,
  ReasoningScenario,
  ErrorSpec,
  HttpMethod,
  ProviderModule,
  Route,
  RouteContext,
} from './core/types.js';
export { providers } from './routes.js';
// Helpers provider modules share (exported for modules and for tests that predict emulator output).
export { countWords, countWordsIn, splitWords, truncateWords } from './core/tokens.js';
export { SseWriter } from './core/sse.js';
export { NdjsonWriter } from './core/ndjson.js';
export { StreamStopped } from './core/chunk-stream.js';
export { sampleFromSchema, type SampleSeed } from './core/json-schema-sample.js';
export { embeddingFor, float32Base64 } from './core/embedding.js';
export { openai, createOpenAiCompatibleModule, OPENAI_FLAVOR, type OpenAiFlavor, openAiErrorBody } from './openai/index.js';
export { DEFAULT_EMBEDDING_DIMENSIONS } from './openai/embeddings.js';
export { tgi, TGI_MODEL_ID } from './tgi/index.js';
export { tei, TEI_MODEL_ID } from './tei/index.js';
export { INFERENCE_SERVER_PROVIDERS } from './inference-servers.js';
