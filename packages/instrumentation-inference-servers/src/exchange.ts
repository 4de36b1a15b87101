import { context, type Context, type Tracer } from '@opentelemetry/api';
import {
  GenAISpan,
  type GenAIPolicy,
  type GenAIResponse,
  type InternalErrorReporter,
  type StreamAccumulator,
  type TokenUsage,
} from '@llm-provenance/instrumentation-common';
import { ATTR_PROVENANCE_HTTP_BODY_TRUNCATED } from '@llm-provenance/semantic-conventions';
import { InferenceServerError, StreamErrorEvent } from './errors.js';
import type { InBandErrorSource } from './formats/format.js';
import type { RequestSecrets } from './request-secrets.js';
import type { RouteMatch } from './route-table.js';
import { SseReader } from './sse-reader.js';

/** What every exchange of one instrumentation shares. */
export interface ExchangeTarget {
  tracer: Tracer;
  policy: GenAIPolicy;
  errors: InternalErrorReporter;
  /** The most bytes of one body held in memory while observing it. */
  maxBodyBytes: number;
}

/** Response headers as the observers read them: lower-case names. */
export interface ResponseHead {
  statusCode: number;
  header(name: string): string | undefined;
}

type Mode = 'json' | 'sse' | 'error' | 'ignore';

/** An event that can still matter once a stream is past the bound: usage, TGI `details`, a finish reason, TGI's error event. */
const PAST_BOUND_EVENT = /"(?:usage|details)"\s*:\s*[{[]|"finish_reason"\s*:\s*"|"error_type"\s*:/;

/**
 * One observed HTTP exchange with an inference server: its GenAI span, and what is seen of the response.
 * The client's own objects are never read from here: the observers hand over what the client already
 * did (bytes it received, its end, its error). At most `maxBodyBytes` of a JSON body are held; a streamed
 * (SSE) body is read event by event and only its accumulated result is kept, which past the bound keeps
 * only usage and finish reasons. Every entry point is guarded: a failure of ours ends the span and never
 * reaches the client.
 */
export class Exchange {
  private readonly span: GenAISpan;
  private mode: Mode = 'ignore';
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private truncated = false;
  private sse?: SseReader;
  private accumulator?: StreamAccumulator;
  private statusCode = 0;
  private headerUsage?: TokenUsage;
  private done = false;

  constructor(
    private readonly target: ExchangeTarget,
    private readonly match: RouteMatch,
    body: unknown,
    bodyTruncated: boolean,
    private readonly secrets: RequestSecrets,
    parent: Context = context.active(),
  ) {
    const request = match.format.request(body, match);
    // A body that was not read (streamed, over the bound, not JSON) says nothing about the content.
    if (body === undefined) request.content = undefined;
    request.credential = secrets.credential;
    request.requestOptions = secrets.asRequestOptions();
    this.span = new GenAISpan(target.tracer, request, target.policy, parent);
    if (bodyTruncated) this.span.span.setAttribute(ATTR_PROVENANCE_HTTP_BODY_TRUNCATED, true);
  }

  /** The response's status line and headers arrived. */
  onHeaders(head: ResponseHead): void {
    this.guard('response headers', () => {
      this.statusCode = head.statusCode;
      const usageHeaders = this.match.format.usageHeaders;
      if (usageHeaders) this.headerUsage = { inputTokens: countHeader(head, usageHeaders.input), outputTokens: countHeader(head, usageHeaders.output) };
      this.span.setRequestId(head.header(this.match.format.requestIdHeader ?? 'x-request-id'));
      const encoding = head.header('content-encoding');
      const encoded = encoding !== undefined && encoding !== '' && encoding.toLowerCase() !== 'identity';
      if (head.statusCode >= 400) this.mode = encoded ? 'ignore' : 'error';
      else if (encoded) this.mode = 'ignore';
      else if ((head.header('content-type') ?? '').toLowerCase().startsWith('text/event-stream') && this.match.format.stream) {
        this.mode = 'sse';
        this.accumulator = this.match.format.stream({ captureContent: this.target.policy.captureContent }, this.match);
        this.sse = new SseReader((data) => this.onEvent(data), this.target.maxBodyBytes);
      } else this.mode = 'json';
    });
  }

  /** A chunk of the response body, exactly as the client received it (never kept past the bound). */
  onData(chunk: Uint8Array): void {
    if (this.done || this.mode === 'ignore') return;
    this.guard('response body', () => {
      if (this.mode === 'sse') {
        this.span.markChunk();
        this.bytes += chunk.byteLength;
        if (this.bytes > this.target.maxBodyBytes) this.truncated = true;
        this.sse!.push(chunk);
        return;
      }
      if (this.truncated) return;
      if (this.bytes + chunk.byteLength > this.target.maxBodyBytes) {
        this.truncated = true;
        this.chunks = [];
        return;
      }
      this.bytes += chunk.byteLength;
      this.chunks.push(chunk);
    });
  }

  /** The response ended normally (all of it arrived). */
  onComplete(): void {
    if (this.done) return;
    this.guard('response end', () => {
      if (this.mode === 'error') return this.fail(new InferenceServerError(this.statusCode, this.bodyText()), undefined);
      if (this.mode === 'sse') {
        this.sse!.end();
        const failure = (this.accumulator as Partial<InBandErrorSource>).streamError?.();
        if (failure) this.fail(failure, this.accumulator!.result());
        else this.record(this.accumulator!.result(), true);
      } else if (this.mode === 'json' && !this.truncated) {
        const text = this.bodyText();
        let value: unknown;
        try {
          value = text === '' ? undefined : JSON.parse(text);
        } catch {
          value = undefined;
        }
        this.record(value === undefined ? undefined : this.match.format.response?.(value, this.match), true);
      } else this.record(undefined, true);
    });
    this.end();
  }

  /** The exchange failed: connection error, abort, or a body cut off before its end. */
  onError(err: unknown): void {
    if (this.done) return;
    this.guard('request error', () => {
      if (this.mode === 'sse') {
        this.sse!.end();
        this.fail(err, this.accumulator!.result());
      } else this.fail(err, undefined);
    });
    this.end();
  }

  private onEvent(data: string): void {
    if (data === '[DONE]') {
      (this.accumulator as { onDone?: () => void }).onDone?.();
      return;
    }
    // Past the bound, only events that can carry usage or a finish reason are still read.
    if (this.truncated && !PAST_BOUND_EVENT.test(data)) return;
    let value: unknown = data;
    const first = data.charCodeAt(0);
    if (first === 123 /* { */ || first === 91 /* [ */) {
      try {
        value = JSON.parse(data);
      } catch {
        value = data;
      }
    }
    this.accumulator!.onChunk(value);
  }

  private bodyText(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    this.chunks = [];
    return text;
  }

  private record(response: GenAIResponse | undefined, complete: boolean): void {
    const r: GenAIResponse = response ?? {};
    const fromHeaders = this.headerUsage;
    if (fromHeaders && (fromHeaders.inputTokens !== undefined || fromHeaders.outputTokens !== undefined)) {
      r.usage = { ...r.usage, inputTokens: r.usage?.inputTokens ?? fromHeaders.inputTokens, outputTokens: r.usage?.outputTokens ?? fromHeaders.outputTokens };
    }
    if (this.truncated || this.sse?.overflowed) r.attributes = { ...r.attributes, [ATTR_PROVENANCE_HTTP_BODY_TRUNCATED]: true };
    this.span.recordResponse(r, complete);
  }

  private fail(err: unknown, partial: GenAIResponse | undefined): void {
    if (partial) this.record(partial, false);
    this.span.recordError(err, err instanceof StreamErrorEvent ? err.errorType : undefined);
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.chunks = [];
    this.sse = undefined;
    this.accumulator = undefined;
    try {
      this.span.end();
    } catch (err) {
      this.target.errors.report('span end', err);
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.target.errors.report(what, err);
      this.end();
    }
  }
}

/** A token count from a response header, if it is a whole number. */
function countHeader(head: ResponseHead, name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const text = head.header(name);
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
