import { genAIRequestAttributes, type ConfiguredCredentials, type GenAIRequest } from '@llm-provenance/instrumentation-common';
import { GenAiOperationName, GenAiOutputType, GenAiProviderName } from '@llm-provenance/semantic-conventions';
import { inputMessagesOf, systemInstructionsOf, toolDefinitionsOf } from './parts.js';

/**
 * Generation parameters as both SDKs name them (@google/genai `config`, legacy `generationConfig`):
 * https://ai.google.dev/api/generate-content#generationconfig
 */
export interface GenerationParams {
  temperature?: number;
  topP?: number;
  topK?: number;
  candidateCount?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseMimeType?: string;
  responseModalities?: string[];
}

/** `gen_ai.output.type` from what the request asks for: JSON mime type, or image/audio output. */
function outputTypeOf(params: GenerationParams): string | undefined {
  if (params.responseMimeType === 'application/json') return GenAiOutputType.JSON;
  const modalities = (params.responseModalities ?? []).map((m) => String(m).toUpperCase());
  if (modalities.includes('IMAGE')) return GenAiOutputType.IMAGE;
  if (modalities.includes('AUDIO')) return GenAiOutputType.SPEECH;
  if (params.responseMimeType !== undefined || modalities.includes('TEXT')) return GenAiOutputType.TEXT;
  return undefined;
}

/** `models/gemini-2.5-flash` and `gemini-2.5-flash` name the same model; spans use the bare id. */
export function bareModel(model: unknown): string | undefined {
  return typeof model === 'string' ? model.replace(/^models\//, '') : undefined;
}

export interface GenerateCall {
  model: unknown;
  contents: unknown;
  params: GenerationParams;
  systemInstruction?: unknown;
  tools?: unknown;
  /** Vertex AI (`vertexai: true`) rather than the Gemini API. */
  vertex: boolean;
  baseUrl?: string;
  credential?: string;
  /** Where the call's configured credentials are, read only if it fails (removed from its error). */
  configuredCredentials?: () => ConfiguredCredentials;
  stream: boolean;
}

function providerOf(vertex: boolean): string {
  return vertex ? GenAiProviderName.GCP_VERTEX_AI : GenAiProviderName.GCP_GEMINI;
}

/** generateContent / streamGenerateContent (and chats, which call them with the whole history). */
export function generateContentRequest(call: GenerateCall): GenAIRequest {
  const p = call.params ?? {};
  return {
    operationName: GenAiOperationName.GENERATE_CONTENT,
    providerName: providerOf(call.vertex),
    requestModel: bareModel(call.model),
    baseUrl: call.baseUrl,
    credential: call.credential,
    configuredCredentials: call.configuredCredentials,
    attributes: genAIRequestAttributes({
      maxTokens: p.maxOutputTokens,
      temperature: p.temperature,
      topP: p.topP,
      topK: p.topK,
      frequencyPenalty: p.frequencyPenalty,
      presencePenalty: p.presencePenalty,
      stopSequences: p.stopSequences,
      seed: p.seed,
      choiceCount: p.candidateCount,
      outputType: outputTypeOf(p),
      stream: call.stream,
    }),
    content: () => ({
      inputMessages: inputMessagesOf(call.contents),
      systemInstructions: systemInstructionsOf(call.systemInstruction),
      toolDefinitions: toolDefinitionsOf(call.tools),
    }),
  };
}

export interface EmbedCall {
  model: unknown;
  contents: unknown;
  vertex: boolean;
  baseUrl?: string;
  credential?: string;
  configuredCredentials?: () => ConfiguredCredentials;
}

/** embedContent / batchEmbedContents: every input text is one user part. */
export function embedContentRequest(call: EmbedCall): GenAIRequest {
  return {
    operationName: GenAiOperationName.EMBEDDINGS,
    providerName: providerOf(call.vertex),
    requestModel: bareModel(call.model),
    baseUrl: call.baseUrl,
    credential: call.credential,
    configuredCredentials: call.configuredCredentials,
    content: () => {
      const messages = inputMessagesOf(call.contents);
      // The embedding inputs are separate texts, not turns: one user message holding all of them.
      return { inputMessages: [{ role: 'user', parts: messages.flatMap((m) => m.parts) }] };
    },
  };
}
