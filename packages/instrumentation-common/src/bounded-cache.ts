/**
 * A Map that holds at most `capacity` entries, dropping the oldest insertion when full: for per-call
 * work whose inputs repeat (a client's base URL, its key), so the hot path computes each answer once
 * while a process that sees unboundedly many distinct inputs still uses bounded memory.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): V {
    if (this.entries.size >= this.capacity && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
    return value;
  }
}
