import { genAIRequestAttributes, type GenAIRequest } from '@llm-provenance/instrumentation-common';
import { GenAiOperationName, GenAiOutputType, GenAiProviderName } from '@llm-provenance/semantic-conventions';
import { addMetadataUserId } from './caller-identity.js';
import { inputMessagesOf, systemInstructionsOf, toolDefinitionsOf } from './content.js';

/** The parts of a `messages.create` / `countTokens` body this mapping reads. */
export interface MessageCreateBody {
  model?: string;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  stream?: boolean;
  system?: unknown;
  messages?: unknown;
  tools?: unknown;
  output_format?: { type?: string } | null;
  output_config?: { format?: { type?: string } | null } | null;
  metadata?: { user_id?: unknown } | null;
}

/** What the instrumentation reads from the client (`this._client` of a resource). */
export interface AnthropicClientLike {
  baseURL?: string;
  apiKey?: string | null;
  authToken?: string | null;
}

/** The request option (2nd argument) this mapping reads: the SDK's own conversation id option. */
export interface RequestOptionsLike {
  openTelemetry?: { conversationId?: string } | null;
}

/**
 * Structured outputs ask for JSON through `output_config.format` (`output_format` in earlier releases)
 * (https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs).
 */
function outputTypeOf(body: MessageCreateBody): string | undefined {
  const format = body.output_config?.format ?? body.output_format;
  return format?.type === 'json_schema' ? GenAiOutputType.JSON : undefined;
}

function clientBase(client: AnthropicClientLike | undefined) {
  return {
    providerName: GenAiProviderName.ANTHROPIC,
    baseUrl: client?.baseURL,
    credential: client?.apiKey ?? client?.authToken ?? null,
  };
}

/**
 * `messages.create` -> a `chat` request. Parameters per https://docs.anthropic.com/en/api/messages:
 * max_tokens, temperature, top_p, top_k, stop_sequences, stream; `system` goes to
 * `gen_ai.system_instructions`, `tools` to `gen_ai.tool.definitions`.
 */
export function chatRequest(body: MessageCreateBody, client: AnthropicClientLike | undefined, options?: RequestOptionsLike): GenAIRequest {
  return {
    operationName: GenAiOperationName.CHAT,
    requestModel: body.model,
    ...clientBase(client),
    attributes: addMetadataUserId(
      body.metadata,
      genAIRequestAttributes({
        maxTokens: body.max_tokens,
        temperature: body.temperature,
        topP: body.top_p,
        topK: body.top_k,
        stopSequences: body.stop_sequences,
        stream: body.stream,
        outputType: outputTypeOf(body),
        conversationId: options?.openTelemetry?.conversationId,
      }),
    ),
    content: () => ({
      inputMessages: inputMessagesOf(body.messages),
      systemInstructions: systemInstructionsOf(body.system),
      toolDefinitions: toolDefinitionsOf(body.tools),
    }),
  };
}

/** `messages.countTokens` (https://docs.anthropic.com/en/api/messages-count-tokens): same input, no generation. */
export function countTokensRequest(body: MessageCreateBody, client: AnthropicClientLike | undefined): GenAIRequest {
  return {
    operationName: GenAiOperationName.COUNT_TOKENS,
    requestModel: body.model,
    ...clientBase(client),
    content: () => ({
      inputMessages: inputMessagesOf(body.messages),
      systemInstructions: systemInstructionsOf(body.system),
      toolDefinitions: toolDefinitionsOf(body.tools),
    }),
  };
}
