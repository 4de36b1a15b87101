import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { SseWriter } from './sse.js';
import type { NdjsonWriter } from './ndjson.js';

/** One request as the emulator received it (recorded before any scenario or route logic runs). */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Query parameters (last value wins when a name repeats). */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it is not valid JSON; `undefined` when the body is empty. */
  body: unknown;
}

/** Answer the request with the provider's real error body shape. */
export interface ErrorScenario {
  kind: 'error';
  status: number;
  message?: string;
  type?: string;
  code?: string;
  /** Seconds; sent as `retry-after` on 429 responses. */
  retryAfter?: number;
}
export interface ToolCallScenario {
  kind: 'tool_call';
  name: string;
  arguments: Record<string, unknown>;
}
export interface StreamErrorAfterScenario {
  kind: 'stream_error_after';
  /** Number of stream chunks (SSE events / NDJSON lines) written before the socket is destroyed. */
  chunks: number;
}
/**
 * Stream `chunks` chunks, then send nothing more until the client closes the connection (or the emulator
 * is closed): a client that breaks out or aborts on chunk N does so while the rest of the body is owed,
 * however slowly it runs. A non-streaming request gets its normal reply.
 */
export interface HoldAfterScenario {
  kind: 'hold_after';
  chunks: number;
}
export interface NoUsageScenario {
  kind: 'no_usage';
}
export interface HangScenario {
  kind: 'hang';
}
export interface TextScenario {
  kind: 'text';
  text: string;
}
export interface CacheScenario {
  kind: 'cache';
  read: number;
  creation?: number;
}
export interface ReasoningScenario {
  kind: 'reasoning';
  tokens: number;
}

export type Scenario =
  | ErrorScenario
  | ToolCallScenario
  | StreamErrorAfterScenario
  | HoldAfterScenario
  | NoUsageScenario
  | HangScenario
  | TextScenario
  | CacheScenario
  | ReasoningScenario;

/** What a provider module's `sendError` renders (a scenario, a failed auth check, a 404, bad JSON ...). */
export interface ErrorSpec {
  status: number;
  message?: string;
  type?: string;
  /** `null` = explicitly no code; `undefined` = the provider's default for the status. */
  code?: string | null;
  param?: string | null;
  retryAfter?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';

/** Everything a route handler needs; created once per request by the core. */
export interface RouteContext {
  /** 1-based number of this request since start or the last `reset()` = its position in `emulator.requests`. */
  n: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (`undefined` when the body was empty); each route narrows it to the request shape it reads. */
  body: unknown;
  rawBody: string;
  /** Values captured by `{name}` placeholders (or named groups of a RegExp path). */
  params: Record<string, string>;
  /** The scenario dequeued for this request, if any. `error` and `hang` never reach a handler. */
  scenario: Scenario | undefined;
  /** Milliseconds since the epoch, from the emulator's clock (option `now`). */
  now(): number;
  req: IncomingMessage;
  res: ServerResponse;
  /** Sends a complete JSON response. */
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Starts a `text/event-stream` response; honours `stream_error_after` and client disconnects. */
  sse(headers?: Record<string, string>): SseWriter;
  /** Starts an NDJSON response (`application/x-ndjson` unless overridden); same rules as `sse`. */
  ndjson(headers?: Record<string, string>): NdjsonWriter;
  /** Destroys the connection without (finishing) a response. */
  cutConnection(): void;
  /** Renders an error in this route's provider shape. */
  error(spec: ErrorSpec): void;
}

export interface Route {
  method: HttpMethod;
  /** Exact path with optional `{name}` placeholders (one path segment or part of one), or a RegExp. */
  path: string | RegExp;
  handle(ctx: RouteContext): void | Promise<void>;
}

/**
 * A provider's wire format. Registered in src/routes.ts; the first module whose route matches serves the
 * request, and the first module whose `owns` returns true renders 404s for paths no route matches.
 */
export interface ProviderModule {
  name: string;
  routes: Route[];
  /** Whether an unmatched request belongs to this provider (decides the 404 body shape). */
  owns(request: { method: string; path: string; headers: IncomingHttpHeaders }): boolean;
  /** Headers sent on every response this provider gives (request ids, rate-limit headers ...). */
  headers?(ctx: { n: number; now(): number }): Record<string, string>;
  /** Returns an error when the request lacks the provider's credentials. */
  authenticate?(ctx: RouteContext): ErrorSpec | undefined;
  /** Writes `spec` as this provider's error response (status, headers, body). */
  sendError(ctx: RouteContext, spec: ErrorSpec): void;
}

export interface EmulatorOptions {
  /** Port to bind on 127.0.0.1; 0 or omitted = a random free port. */
  port?: number;
  /** Clock in milliseconds used for `created` timestamps; defaults to `Date.now`. */
  now?: () => number;
  /** Delay between stream chunks in milliseconds (default 0: each chunk is still flushed separately). */
  chunkDelayMs?: number;
  /**
   * Record requests in `emulator.requests` (default true). Benchmarks that send many requests can turn
   * it off; numbering (`n`, ids, request-id headers) is unaffected.
   */
  recordRequests?: boolean;
  /** Provider modules to serve; defaults to every module in src/routes.ts. */
  providers?: ProviderModule[];
}

export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Every request received since start or the last `reset()`, in arrival order. */
  readonly requests: RecordedRequest[];
  /** The next request (FIFO) gets this scenario instead of the default reply. */
  enqueue(...scenarios: Scenario[]): void;
  /**
   * Resolves once `count` requests (default 1) have arrived in full, headers and body, since start or the
   * last `reset()`: the moment to act on a request the emulator is holding (abort a `hang`, close the
   * server under it). Rejects if the emulator is closed first.
   */
  received(count?: number): Promise<void>;
  /** Clears recorded requests and queued scenarios (the request counter restarts at 1). */
  reset(): void;
  /** Stops listening and destroys every open connection, including hanging and streaming ones. */
  close(): Promise<void>;
}
