import type { ServerResponse } from 'node:http';

/**
 * Thrown by stream writers when the stream must not continue: the client went away, the emulator is
 * closing, or a `stream_error_after` scenario cut the connection. The core swallows it, so provider code
 * can write its chunks in a straight line without checking after every write.
 */
export class StreamStopped extends Error {
  constructor(reason: string) {
    super(`stream stopped: ${reason}`);
    this.name = 'StreamStopped';
  }
}

export interface ChunkStreamOptions {
  /** Destroy the connection after this many chunks (the `stream_error_after` scenario). */
  cutAfter?: number;
  /**
   * After this many chunks, send nothing more until the client closes the connection or the emulator is
   * closed (the `hold_after` scenario / `x-emulator-hold-after` header): whatever the client does on chunk N
   * happens while the rest of the body is still owed, however slowly the client runs.
   */
  holdAfter?: number;
  /** Pause before every chunk but the first. */
  delayMs?: number;
  /** Destroys the connection (the core's implementation also ends hanging requests on close()). */
  cut(): void;
}

/**
 * Writes a streamed body one chunk at a time. Each write waits until Node has handed the bytes to the
 * socket, so chunks reach the client as they would from a real server, and a cut after chunk N is
 * guaranteed to come after the client could read chunks 1..N.
 */
export class ChunkStream {
  private sent = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: ChunkStreamOptions,
  ) {
    // Headers go out right away, as a real server's would before its first token.
    res.flushHeaders();
  }

  /** Number of chunks written so far. */
  get count(): number {
    return this.sent;
  }

  async write(text: string): Promise<void> {
    this.checkLimit();
    if (this.options.holdAfter === 0) await this.hold();
    if (this.sent > 0 && this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    if (this.res.destroyed || this.res.writableEnded) throw new StreamStopped('connection closed');
    await new Promise<void>((resolve, reject) => {
      const onClose = () => reject(new StreamStopped('connection closed'));
      this.res.once('close', onClose);
      this.res.write(text, (err) => {
        this.res.off('close', onClose);
        if (err) reject(new StreamStopped(err.message));
        else resolve();
      });
    });
    this.sent++;
    this.checkLimit();
    if (this.options.holdAfter !== undefined && this.sent >= this.options.holdAfter) await this.hold();
  }

  end(): void {
    if (!this.res.destroyed && !this.res.writableEnded) this.res.end();
  }

  /** Waits for the connection to close (client gone or emulator closing), then stops the stream. */
  private async hold(): Promise<never> {
    if (!this.res.destroyed) await new Promise<void>((resolve) => this.res.once('close', () => resolve()));
    throw new StreamStopped(`held after ${this.options.holdAfter} chunks until the connection closed`);
  }

  private checkLimit(): void {
    const limit = this.options.cutAfter;
    if (limit !== undefined && this.sent >= limit) {
      this.options.cut();
      throw new StreamStopped(`stream_error_after ${limit} chunks`);
    }
  }
}
