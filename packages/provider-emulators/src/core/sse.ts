import type { ServerResponse } from 'node:http';
import { ChunkStream, type ChunkStreamOptions } from './chunk-stream.js';

/**
 * Server-Sent Events writer (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * every event is optional `event:` line + one `data:` line + blank line, and counts as one chunk.
 */
export class SseWriter {
  private readonly stream: ChunkStream;

  constructor(res: ServerResponse, options: ChunkStreamOptions) {
    this.stream = new ChunkStream(res, options);
  }

  /** Sends `data` as JSON, optionally with an `event:` name. */
  send(data: unknown, event?: string): Promise<void> {
    return this.sendRaw(JSON.stringify(data), event);
  }

  /** Sends a data line verbatim (e.g. OpenAI's `[DONE]` sentinel). */
  sendRaw(data: string, event?: string): Promise<void> {
    const lines = data
      .split('\n')
      .map((line) => `data: ${line}\n`)
      .join('');
    return this.stream.write(`${event === undefined ? '' : `event: ${event}\n`}${lines}\n`);
  }

  /** Sends an SSE comment line (ignored by clients; some providers use it as a keep-alive ping). */
  comment(text: string): Promise<void> {
    return this.stream.write(`: ${text}\n\n`);
  }

  get count(): number {
    return this.stream.count;
  }

  end(): void {
    this.stream.end();
  }
}
