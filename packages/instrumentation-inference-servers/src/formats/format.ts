import type { GenAIRequest, GenAIResponse, StreamAccumulator } from '@llm-provenance/instrumentation-common';

/** What a request is matched to: the server, the route's captures and where the server is. */
export interface MatchedCall {
  /** `gen_ai.provider.name`. */
  providerName: string;
  /** `gen_ai.operation.name` of the route. */
  operationName: string;
  /** The server's base URL as the request reached it (scheme, host, port): gives `server.address|port`. */
  baseUrl: string;
  /** `{name}` captures of the route pattern: `model`, `version`, `service` ... */
  params: Readonly<Record<string, string>>;
  /** The model configured for the server, used when neither the body nor the path names one. */
  defaultModel?: string;
}

/**
 * How one family of request and response bodies maps to the GenAI conventions. `body` is the parsed JSON
 * request body, or undefined when it was not in memory (a streamed body is never read) or not JSON.
 */
export interface BodyFormat {
  request(body: unknown, call: MatchedCall): GenAIRequest;
  /** Maps a complete JSON response body. */
  response?(body: unknown, call: MatchedCall): GenAIResponse | undefined;
  /**
   * A `text/event-stream` response: a fresh accumulator per stream, fed the `data` of every event
   * (parsed JSON when it is JSON, else the text).
   */
  stream?(options: { captureContent: boolean }, call: MatchedCall): StreamAccumulator;
  /** Response headers carrying token counts, used when the body gives none (TGI `x-prompt-tokens` ...). */
  usageHeaders?: { input?: string; output?: string };
  /** The response header carrying the provider's request id; default `x-request-id`. */
  requestIdHeader?: string;
}

/**
 * A stream accumulator whose stream can report its own failure in an event (TGI's `{"error",
 * "error_type"}` after a 200 status line): the exchange then ends the span as failed by that error.
 */
export interface InBandErrorSource {
  streamError(): Error | undefined;
}

/** The model named by the body, else by the path (`{model}`), else the configured one. */
export function modelOf(body: unknown, call: MatchedCall): string | undefined {
  const fromBody = (body as { model?: unknown } | null | undefined)?.model;
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  return call.params.model ?? call.defaultModel;
}

/** The part of a request every format fills alike. */
export function baseRequest(body: unknown, call: MatchedCall): GenAIRequest {
  return { operationName: call.operationName, providerName: call.providerName, requestModel: modelOf(body, call), baseUrl: call.baseUrl };
}

/** An object's own field, or undefined. */
export function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}

/** A finite number or undefined. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
