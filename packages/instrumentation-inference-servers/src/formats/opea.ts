import {
  ChatCompletionStreamAccumulator,
  chatCompletionRequest,
  chatCompletionResponse,
  genAIRequestAttributes,
  type GenAIRequest,
} from '@llm-provenance/instrumentation-common';
import { ATTR_OPEA_SERVICE } from '@llm-provenance/semantic-conventions';
import { field, modelOf, numberOf, type BodyFormat } from './format.js';
import { userMessage } from './parts.js';

/**
 * OPEA megaservice gateways (https://github.com/opea-project/GenAIExamples, e.g. ChatQnA's
 * `POST /v1/chatqna`; the request and response types are GenAIComps' `ChatCompletionRequest` /
 * `ChatCompletionResponse`, https://opea-project.github.io/latest/GenAIComps/README.html): `messages` is a
 * string (one user prompt) or OpenAI-style chat messages; `stream` defaults to true. A plain answer is an
 * OpenAI-style chat completion; a streamed one is `text/event-stream` whose events are either
 * OpenAI-style chunks or, from older gateways, the text of each token as a Python bytes literal
 * (`data: b' Hello'`), ending in `data: [DONE]`.
 */
export const OPEA_GATEWAY: BodyFormat = {
  request(body, call) {
    const messages = field(body, 'messages');
    let request: GenAIRequest;
    if (Array.isArray(messages)) {
      request = chatCompletionRequest(body, { providerName: call.providerName, baseUrl: call.baseUrl });
    } else {
      request = { operationName: call.operationName, providerName: call.providerName, baseUrl: call.baseUrl };
      request.attributes = genAIRequestAttributes({
        maxTokens: numberOf(field(body, 'max_tokens')) ?? numberOf(field(body, 'max_new_tokens')),
        temperature: numberOf(field(body, 'temperature')),
        topP: numberOf(field(body, 'top_p')),
        stream: streamOf(body),
      });
      request.content = () => ({ inputMessages: typeof messages === 'string' ? userMessage([{ type: 'text', content: messages }]) : [] });
    }
    request.operationName = call.operationName;
    request.baseUrl = call.baseUrl;
    request.requestModel = modelOf(body, call);
    const attributes = (request.attributes ??= {});
    const topK = numberOf(field(body, 'top_k'));
    if (topK !== undefined) attributes['gen_ai.request.top_k'] = topK;
    attributes['gen_ai.request.stream'] = streamOf(body);
    if (call.params.service !== undefined) attributes[ATTR_OPEA_SERVICE] = call.params.service;
    return request;
  },
  response: (body) => chatCompletionResponse(body),
  stream: ({ captureContent }) => new OpeaStreamAccumulator(captureContent),
};

/** `stream` as the gateway reads it: true unless the request says false. */
function streamOf(body: unknown): boolean {
  return field(body, 'stream') !== false;
}

/** OpenAI-style chunks as they are; a bytes-literal token becomes a chunk carrying that text. */
class OpeaStreamAccumulator extends ChatCompletionStreamAccumulator {
  private tokens = false;

  override onChunk(value: unknown): void {
    if (typeof value !== 'string') return super.onChunk(value);
    this.tokens = true;
    super.onChunk({ choices: [{ index: 0, delta: { role: 'assistant', content: bytesLiteralText(value) } }] });
  }

  /** `data: [DONE]`: a stream of bytes-literal tokens says no finish reason; it ended as the model stopped. */
  onDone(): void {
    if (this.tokens) super.onChunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  }
}

/** The text of a Python bytes literal (`b'...'` / `b"..."`, UTF-8 escapes included); other text as it is. */
export function bytesLiteralText(text: string): string {
  const m = /^b(['"])([\s\S]*)\1$/.exec(text);
  if (!m) return text;
  const bytes: number[] = [];
  const body = m[2]!;
  const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34, '0': 0 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && i + 1 < body.length) {
      const next = body[i + 1]!;
      if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
        bytes.push(parseInt(body.slice(i + 2, i + 4), 16));
        i += 3;
        continue;
      }
      if (next in ESCAPES) {
        bytes.push(ESCAPES[next]!);
        i++;
        continue;
      }
    }
    bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
