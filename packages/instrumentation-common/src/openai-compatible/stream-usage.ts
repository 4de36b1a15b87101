import type { Attributes } from '@opentelemetry/api';
import { ATTR_PROVENANCE_USAGE_REQUESTED, GenAiProviderName } from '@llm-provenance/semantic-conventions';
import { providerFromUrl } from '../provider-hosts.js';

/**
 * Token usage of a streamed OpenAI call the app did not ask usage for. Chat Completions and legacy
 * Completions report a stream's usage only when the request says `stream_options.include_usage`: then
 * the provider sends one extra chunk before `data: [DONE]` whose `choices` is empty and whose `usage`
 * holds the counts, and every other chunk carries `usage: null`
 * (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options). Without it a
 * streamed call has no tokens and no cost.
 *
 * So a traced call that streams without it is sent with it (a copy of the app's body; the app's object is
 * never touched), and the app is shown exactly the chunks it would have received without us: the extra
 * usage chunk is hidden and the `usage: null` the option adds to every other chunk is removed.
 */

/** The request bodies we made (copies with `include_usage` added): their streams get the chunk filter. */
const REQUESTED = new WeakSet<object>();

/**
 * Known hosts that document `stream_options.include_usage` (OpenAI; Groq
 * https://console.groq.com/docs/api-reference#chat-create; DeepSeek
 * https://api-docs.deepseek.com/api/create-chat-completion; xAI https://docs.x.ai/docs/api-reference;
 * Ollama's OpenAI compatibility https://github.com/ollama/ollama/blob/main/docs/openai.md). Other
 * known hosts (Azure OpenAI, Mistral, ...) may reject the field, so it is not sent there; a host we do
 * not know (a self-hosted server, a gateway) speaks the OpenAI protocol as far as we can tell and gets it.
 */
const ACCEPTS_STREAM_USAGE = new Set<string>([
  GenAiProviderName.OPENAI,
  GenAiProviderName.GROQ,
  GenAiProviderName.DEEPSEEK,
  GenAiProviderName.X_AI,
  GenAiProviderName.OLLAMA,
]);

/** Whether the SDK client talks to a server that accepts `stream_options` (see `ACCEPTS_STREAM_USAGE`). */
function acceptsStreamUsage(sdkClient: unknown): boolean {
  if (!isObject(sdkClient)) return true;
  // The openai SDK's AzureOpenAI client: API versions before 2024-09-01 reject `stream_options`.
  if (typeof sdkClient.apiVersion === 'string') return false;
  const baseUrl = sdkClient.baseURL;
  const provider = typeof baseUrl === 'string' ? providerFromUrl(baseUrl) : undefined;
  return provider === undefined || ACCEPTS_STREAM_USAGE.has(provider);
}

interface StreamingBody {
  stream?: unknown;
  stream_options?: unknown;
}

interface UsageChunk {
  choices?: unknown;
  usage?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `TracedMethod.prepareArgs` of a streamable OpenAI call: when `args[0]` streams without
 * `include_usage: true`, replaces it with a copy that asks for usage, and returns the attribute saying
 * so. Only for servers known to accept the option (`acceptsStreamUsage`): the instrumentation must
 * never make a call fail; elsewhere the tokens stay unknown (`provenance.usage.unknown`).
 */
export function requestStreamUsage(args: unknown[], sdkClient: unknown): Attributes | undefined {
  const body = args[0] as StreamingBody | undefined;
  if (!isObject(body) || body.stream !== true) return undefined;
  const options = body.stream_options;
  if (isObject(options) && options.include_usage === true) return undefined;
  if (!acceptsStreamUsage(sdkClient)) return undefined;
  const copy = { ...body, stream_options: { ...(isObject(options) ? options : {}), include_usage: true } };
  REQUESTED.add(copy);
  args[0] = copy;
  return { [ATTR_PROVENANCE_USAGE_REQUESTED]: true };
}

/** `StreamHandling.hiddenChunks`: the filter of a stream whose usage we asked for, else undefined. */
export function requestedUsageChunks(args: readonly unknown[]): ((chunk: unknown) => boolean) | undefined {
  const body = args[0];
  return isObject(body) && REQUESTED.has(body) ? hideRequestedUsage : undefined;
}

/**
 * True for the usage chunk we asked for (`choices: []` with a `usage`); any other chunk passes, without
 * the `usage: null` that only our option put there. Called after the accumulator has read the chunk.
 */
function hideRequestedUsage(chunk: unknown): boolean {
  if (!isObject(chunk)) return false;
  const c = chunk as UsageChunk;
  if (c.usage === null) {
    delete c.usage;
    return false;
  }
  return c.usage !== undefined && Array.isArray(c.choices) && c.choices.length === 0;
}
