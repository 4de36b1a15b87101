import type { ServerResponse } from 'node:http';
import { ChunkStream, type ChunkStreamOptions } from './chunk-stream.js';

/** Newline-delimited JSON writer (one JSON value per line, one chunk per line), as Ollama streams. */
export class NdjsonWriter {
  private readonly stream: ChunkStream;

  constructor(res: ServerResponse, options: ChunkStreamOptions) {
    this.stream = new ChunkStream(res, options);
  }

  send(value: unknown): Promise<void> {
    return this.stream.write(`${JSON.stringify(value)}\n`);
  }

  get count(): number {
    return this.stream.count;
  }

  end(): void {
    this.stream.end();
  }
}
