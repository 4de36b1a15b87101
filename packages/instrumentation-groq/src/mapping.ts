import {
  ChatCompletionStreamAccumulator,
  chatCompletionOutputMessage,
  chatCompletionRequest,
  chatCompletionResponse,
  chatCompletionUsage,
  configuredProviderFromUrl,
  openAiCompatibleClient,
  openAiEmbeddingsRequest,
  openAiEmbeddingsResponse,
  type GenAIResponse,
  type OpenAiChoiceChunkWire,
  type StainlessOperation,
} from '@llm-provenance/instrumentation-common';
import { GenAiProviderName, type OutputMessage } from '@llm-provenance/semantic-conventions';

/**
 * groq-sdk speaks the OpenAI Chat Completions and Embeddings wire format
 * (https://console.groq.com/docs/openai), so the shared OpenAI-format mappings do the work; what is
 * Groq's own is the `x_groq` object (https://console.groq.com/docs/api-reference#chat-create):
 * `x_groq.id` is Groq's request id, and in a stream the usage arrives only in the last chunk's
 * `x_groq.usage`.
 */

/** Groq's own object on a completion and on chunks; the usage arrives in the last chunk's. */
interface XGroqWire {
  x_groq?: { id?: string; usage?: unknown } | null;
}

/** The Groq-only fields of a `chat.completion` read here: `x_groq`, and each choice's parsed reasoning. */
interface GroqChatCompletionWire extends XGroqWire {
  choices?: Array<{ message?: { reasoning?: unknown } | null } | null>;
}

/** A chunk's `choices[]` entry as far as Groq adds to it: the reasoning delta. */
interface GroqChunkChoiceWire {
  index?: number;
  delta?: { reasoning?: unknown } | null;
}

/**
 * What the span needs from the client (`this._client` of a groq-sdk resource). A `baseURL` under a server
 * the inference-servers configuration names (a vLLM) reports that server as the provider.
 */
export const groqClient = openAiCompatibleClient((baseUrl) => configuredProviderFromUrl(baseUrl) ?? GenAiProviderName.GROQ);

/** Chat requests are plain Chat Completions requests. */
export const chatRequest = chatCompletionRequest;

/**
 * A chat completion plus Groq's request id from `x_groq.id`, and the model's reasoning: with
 * `reasoning_format: 'parsed'` Groq returns it in `message.reasoning`
 * (https://console.groq.com/docs/reasoning#reasoning-format); it becomes a `reasoning` part first.
 */
export function chatResponse(value: unknown): GenAIResponse | undefined {
  const response = chatCompletionResponse(value);
  if (!response) return response;
  const result = value as GroqChatCompletionWire;
  if (typeof result?.x_groq?.id === 'string') response.requestId = result.x_groq.id;
  const choices = Array.isArray(result?.choices) ? result.choices : [];
  const reasoning = choices.map((c) => c?.message?.reasoning);
  // The shared mapping writes the messages as JSON text; with reasoning they are rebuilt as objects.
  if (reasoning.some(isReasoning)) {
    response.outputMessagesJson = undefined;
    response.outputMessages = withReasoning(choices.map(chatCompletionOutputMessage), reasoning);
  }
  return response;
}

function isReasoning(text: unknown): text is string {
  return typeof text === 'string' && text !== '';
}

/** Puts each choice's reasoning text (if any) in front of its output message's parts. */
function withReasoning(messages: OutputMessage[] | undefined, reasoning: unknown[]): OutputMessage[] | undefined {
  return messages?.map((m, i) => {
    const text = reasoning[i];
    return isReasoning(text) ? { ...m, parts: [{ type: 'reasoning', content: text }, ...m.parts] } : m;
  });
}

/**
 * Chat chunks, with usage and the request id taken from `x_groq` where Groq puts them, and the
 * `delta.reasoning` text of parsed reasoning collected per choice.
 */
export class ChatStreamAccumulator extends ChatCompletionStreamAccumulator {
  private groqRequestId?: string;
  private readonly reasoning: string[] = [];

  protected override onChunkExtras(chunk: OpenAiChoiceChunkWire<GroqChunkChoiceWire> & XGroqWire): void {
    const xGroq = chunk?.x_groq;
    if (xGroq && typeof xGroq === 'object') {
      if (typeof xGroq.id === 'string') this.groqRequestId = xGroq.id;
      if (xGroq.usage) this.usage = chatCompletionUsage(xGroq.usage);
    }
    if (!this.captureContent) return;
    for (const c of Array.isArray(chunk?.choices) ? chunk.choices : []) {
      const text = c?.delta?.reasoning;
      if (typeof text !== 'string') continue;
      const index = typeof c.index === 'number' ? c.index : 0;
      this.reasoning[index] = (this.reasoning[index] ?? '') + text;
    }
  }

  protected override requestId(): string | undefined {
    return this.groqRequestId;
  }

  override result(): GenAIResponse {
    const response = super.result();
    if (this.reasoning.some(isReasoning)) {
      response.outputMessagesJson = undefined;
      response.outputMessages = withReasoning(this.outputMessages(), this.reasoning);
    }
    return response;
  }
}

/** `chat.completions.create`, plain and streamed. */
export const CHAT: StainlessOperation = { request: chatRequest, response: chatResponse, accumulator: (c) => new ChatStreamAccumulator(c) };

/** `embeddings.create`: the OpenAI wire format as it is. */
export const EMBEDDINGS: StainlessOperation = { request: openAiEmbeddingsRequest, response: openAiEmbeddingsResponse };
