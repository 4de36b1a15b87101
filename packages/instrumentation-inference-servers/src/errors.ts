/**
 * A response with an error status (4xx, 5xx) from an inference server. `status` gives `error.type` and
 * `http.response.status_code`; the message is the server's own error text (vLLM/OpenAI `error.message`,
 * TGI/TEI/OVMS `error`, KServe `error`) when the body says one, else the status. Its text reaches the span
 * only through instrumentation-common's error redaction.
 */
export class InferenceServerError extends Error {
  readonly status: number;

  constructor(status: number, body: string) {
    super(messageOf(status, body));
    this.name = 'InferenceServerError';
    this.status = status;
    // Made by the instrumentation, not the app: our frames would say nothing about the failed call.
    this.stack = `${this.name}: ${this.message}`;
  }
}

const MAX_MESSAGE = 1000;

function messageOf(status: number, body: string): string {
  let text: string | undefined;
  try {
    const value: unknown = JSON.parse(body);
    const error = (value as { error?: unknown; detail?: unknown; message?: unknown } | null)?.error;
    if (typeof error === 'string') text = error;
    else if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') text = (error as { message: string }).message;
    else if (typeof (value as { message?: unknown })?.message === 'string') text = (value as { message: string }).message;
    else if (typeof (value as { detail?: unknown })?.detail === 'string') text = (value as { detail: string }).detail;
  } catch {
    text = body.trim() !== '' ? body : undefined;
  }
  const message = `${status}${text ? ` ${text}` : ''}`;
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message;
}

/** The response was cut off before its end (the connection closed, or the app destroyed the request). */
export class ResponseAbortedError extends Error {
  constructor() {
    super('the response ended before its body was complete');
    this.name = 'ResponseAbortedError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * A failure the server reported inside a stream that had started with status 200 (TGI's
 * `{"error", "error_type"}` event). `errorType` is the server's own kind (`validation`, `overloaded`,
 * `generation`, `incomplete_generation`), used as `error.type`.
 */
export class StreamErrorEvent extends Error {
  constructor(
    message: string,
    readonly errorType: string | undefined,
  ) {
    super(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message);
    this.name = 'StreamErrorEvent';
    this.stack = `${this.name}: ${this.message}`;
  }
}
