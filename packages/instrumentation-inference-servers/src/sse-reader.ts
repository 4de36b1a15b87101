/**
 * An incremental reader of `text/event-stream` bytes (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * lines end in LF, CR LF or CR; `data:` lines of one event are joined with LF; a blank line dispatches the
 * event. Only `data` matters here. A line longer than `maxLineBytes` is dropped (and reported), so a
 * server that never sends a newline cannot make the reader hold an unbounded amount.
 */
export class SseReader {
  private readonly decoder = new TextDecoder();
  private partial = '';
  private data: string[] = [];
  private pendingCr = false;
  /** Whether a line was dropped for being too long. */
  overflowed = false;

  constructor(
    private readonly onEvent: (data: string) => void,
    private readonly maxLineBytes: number,
  ) {}

  push(chunk: Uint8Array): void {
    this.feed(this.decoder.decode(chunk, { stream: true }));
  }

  /** The end of the body: a last event without its blank line is still dispatched. */
  end(): void {
    this.feed(this.decoder.decode());
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
    this.dispatch();
  }

  private feed(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 10 && this.pendingCr && i === start && this.partial === '') {
        // the LF of a CR LF split across two chunks
        this.pendingCr = false;
        start = i + 1;
        continue;
      }
      this.line(this.partial + text.slice(start, i));
      this.partial = '';
      this.pendingCr = c === 13;
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    if (start < text.length) {
      this.pendingCr = false;
      this.partial += text.slice(start);
      if (this.partial.length > this.maxLineBytes) {
        this.partial = '';
        this.overflowed = true;
      }
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (!line.startsWith('data:')) return;
    this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
  }

  private dispatch(): void {
    if (this.data.length === 0) return;
    const data = this.data.join('\n');
    this.data = [];
    this.onEvent(data);
  }
}
