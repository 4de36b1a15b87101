import type { ReadBody } from './request-body.js';
import type { Exchange, ResponseHead } from './exchange.js';

/** What an observer tells an exchange about the response. */
export type ExchangeEvents = Pick<Exchange, 'onHeaders' | 'onData' | 'onComplete' | 'onError'>;

type Event = { kind: 'headers'; head: ResponseHead } | { kind: 'data'; chunk: Uint8Array } | { kind: 'complete' } | { kind: 'error'; err: unknown };

/**
 * An exchange whose request body is still being read (a `fetch(request)` body, read from the request's
 * clone: request-clone.ts). What the response does meanwhile is queued and handed over once the body is
 * known; if more than `maxBytes` of response arrive first, the exchange starts without the body.
 */
export class DeferredExchange implements ExchangeEvents {
  private exchange: Exchange | undefined;
  private queue: Event[] = [];
  private queuedBytes = 0;

  constructor(
    private readonly create: (body: ReadBody) => Exchange,
    private readonly maxBytes: number,
    read: Promise<ReadBody>,
  ) {
    void read.then((body) => this.start(body));
  }

  onHeaders(head: ResponseHead): void {
    if (this.exchange) this.exchange.onHeaders(head);
    else this.queue.push({ kind: 'headers', head });
  }

  onData(chunk: Uint8Array): void {
    if (this.exchange) return this.exchange.onData(chunk);
    this.queuedBytes += chunk.byteLength;
    // A copy: the chunk is the client's, which may reuse its memory once it has passed it on.
    this.queue.push({ kind: 'data', chunk: Uint8Array.prototype.slice.call(chunk) });
    if (this.queuedBytes > this.maxBytes) this.start({ value: undefined, truncated: false });
  }

  onComplete(): void {
    if (this.exchange) this.exchange.onComplete();
    else this.queue.push({ kind: 'complete' });
  }

  onError(err: unknown): void {
    if (this.exchange) this.exchange.onError(err);
    else this.queue.push({ kind: 'error', err });
  }

  private start(body: ReadBody): void {
    if (this.exchange) return;
    const exchange = (this.exchange = this.create(body));
    const queue = this.queue;
    this.queue = [];
    for (const event of queue) {
      if (event.kind === 'headers') exchange.onHeaders(event.head);
      else if (event.kind === 'data') exchange.onData(event.chunk);
      else if (event.kind === 'complete') exchange.onComplete();
      else exchange.onError(event.err);
    }
  }
}
