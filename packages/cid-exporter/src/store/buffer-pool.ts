/**
 * The few large buffers appends are encoded into, reused once their write has completed: a fresh large
 * allocation per append comes from new memory pages, which the kernel zeroes on first touch (system CPU
 * per page), and adds external memory the garbage collector has to account for.
 */
const KEEP = 4;

export class BufferPool {
  private readonly free: Buffer[] = [];

  /** A buffer of at least `size` bytes (contents undefined). */
  take(size: number): Buffer {
    const free = this.free;
    for (let i = 0; i < free.length; i++) {
      if (free[i]!.length >= size) return free.splice(i, 1)[0]!;
    }
    return Buffer.allocUnsafeSlow(size);
  }

  /** Hands a buffer back once nothing refers to its bytes any more. */
  give(buf: Buffer): void {
    if (this.free.length < KEEP) this.free.push(buf);
    else {
      // Keep the largest ones.
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.length < this.free[smallest]!.length) smallest = i;
      if (this.free[smallest]!.length < buf.length) this.free[smallest] = buf;
    }
  }
}
