export {
  chatCompletionRequest,
  chatCompletionRequestContent,
  chatCompletionResponse,
  chatCompletionOutputMessage,
  chatOutputTypeOf,
  ChatCompletionStreamAccumulator,
  type ChatCompletionClient,
} from './chat-completions.js';
export {
  toParts as openAiContentParts,
  parseArguments as parseToolArguments,
  contentText as toolResultContent,
  conventionFinishReason,
} from './content-parts.js';
export {
  requestTarget as openAiRequestTarget,
  userInputMessages as openAiUserInputMessages,
  openAiCompatibleClient,
  type OpenAiCompatibleClient,
} from './request-target.js';
export { chatCompletionUsage } from './usage.js';
export { choicesResponse as openAiChoicesResponse } from './choices-response.js';
export { ChoiceStreamAccumulator as OpenAiChoiceStreamAccumulator, type ChoiceChunkWire as OpenAiChoiceChunkWire } from './stream-choices.js';
export { embeddingsRequest as openAiEmbeddingsRequest, embeddingsResponse as openAiEmbeddingsResponse } from './embeddings.js';
export { addCallerIdentity, type CallerIdentityFields } from './caller-identity.js';
export { requestStreamUsage, requestedUsageChunks } from './stream-usage.js';
export { completionRequest, completionResponse, CompletionStreamAccumulator } from './completions.js';
