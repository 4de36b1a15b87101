export {
  chatCompletionRequest,
  chatCompletionRequestContent,
  chatCompletionResponse,
  chatCompletionUsage,
  chatOutputTypeOf,
  ChatCompletionStreamAccumulator,
  type ChatCompletionClient,
} from './chat-completions.js';
export { toParts as openAiContentParts, parseArguments as parseToolArguments, contentText as toolResultContent, conventionFinishReason } from './content-parts.js';
export { embeddingsRequest as openAiEmbeddingsRequest, embeddingsResponse as openAiEmbeddingsResponse } from './embeddings.js';
