import type { GenAIResponse, GenAISpan } from './genai-span.js';

/**
 * Maps the chunks of ONE stream to a response. A fresh one is made per stream; it must not keep a
 * reference to the stream object (that would defeat abandonment detection).
 */
export interface StreamAccumulator<TChunk = unknown> {
  onChunk(chunk: TChunk): void;
  /** The response so far; called once when the stream ends (completed, failed, stopped or abandoned). */
  result(): GenAIResponse | undefined;
  /**
   * Whether the provider's terminal chunk was seen (e.g. every choice has a finish_reason). Used to tell
   * an aborted stream from one whose abort came after the last chunk was already received. Without it,
   * a stream that ends while its abort signal is aborted always counts as aborted.
   */
  isComplete?(): boolean;
}

export interface StreamHandling<TStream = unknown, TChunk = unknown> {
  /** Whether a (resolved) result is a stream; default: it is async-iterable. */
  isStream?: (value: unknown) => boolean;
  /** A new accumulator for one stream. `captureContent` says whether output text is wanted at all. */
  accumulator: (options: { captureContent: boolean }) => StreamAccumulator<TChunk>;
  /**
   * The AbortSignal that cancels this stream (e.g. openai `stream.controller.signal`, or a signal passed
   * in the call's arguments), read once when the stream is returned: a stream that reports "done" while
   * its signal is aborted was aborted. `args` are the arguments of the traced call (empty when unknown).
   */
  abortSignal?: (stream: TStream, args: readonly unknown[]) => AbortSignal | undefined;
  /** `error.type` for an aborted stream; default 'AbortError'. */
  abortErrorType?: string;
  /**
   * Methods of the stream object that cancel it (e.g. ollama's `AbortableAsyncIterator.abort()`),
   * wrapped on the instance; the SDK's method always runs. Called before any chunk arrived, the span
   * ends right away as aborted (`error.type` = `abortErrorType`) — nobody may ever read the stream
   * again. Called while chunks are flowing, the iteration's own end decides: the AbortError of the next
   * read, or a normal completion when the rest had already been buffered (`isComplete()`).
   */
  abortMethods?: readonly string[];
  /**
   * Chunks the app must not see because the instrumentation asked for them (`TracedMethod.prepareArgs`):
   * given the traced call's arguments, a predicate that is true for such a chunk (it may also remove from
   * a chunk what the change added), or undefined when nothing is hidden. The accumulator sees every chunk.
   */
  hiddenChunks?: (args: readonly unknown[]) => ((chunk: unknown) => boolean) | undefined;
}

/**
 * How the result of one kind of call is observed: the same for every call of a patched method, so a
 * backend declares it once (see `TracedMethod`) and no per-call closures are needed.
 */
export interface CallHandling {
  /** Maps a resolved non-stream result. */
  response?: (value: unknown) => GenAIResponse | undefined;
  /** How to observe a streamed result; without it, every result is treated as non-stream. */
  stream?: StreamHandling;
  /**
   * For results that carry their final response as a promise of their own (legacy
   * `@google/generative-ai` streaming returns `{ stream, response }`, where `response` settles once the
   * SDK has read the whole body): return that promise and the span ends when it settles, its value
   * mapped by `response`, its rejection recorded as the error. Return undefined for ordinary results.
   */
  deferredResponse?: (value: unknown) => PromiseLike<unknown> | undefined;
  /** Overrides `error.type` for an error (return undefined for the default mapping). */
  errorType?: (err: unknown) => string | undefined;
  /**
   * Response header carrying the provider's request id (Stainless SDKs: `x-request-id`, `request-id`).
   * Read from the APIPromise's `responsePromise`, which resolves on headers and never touches the body.
   */
  requestIdHeader?: string;
  /**
   * Sees the value the SDK call returned (the promise itself), before anything else. Must not consume
   * the body.
   */
  onReturned?: (returned: unknown, span: GenAISpan) => void;
  /** Sees a failure (call or stream) before the span ends, e.g. to read a request id off the error. */
  onError?: (err: unknown, span: GenAISpan) => void;
}
