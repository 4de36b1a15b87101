/**
 * A Map that holds at most `capacity` entries, dropping the oldest insertion when full: for per-call
 * work whose inputs repeat (a client's base URL, its key), so the hot path computes each answer once
 * while a process that sees unboundedly many distinct inputs still uses bounded memory.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  /**
   * The entry asked for last: most processes ask for the same one on every call, and comparing one key
   * is cheaper than hashing it. The value of a key never changes (the caches hold pure functions of
   * their key), so it stays right even once the map has dropped that entry.
   */
  private lastKey: K | undefined = undefined;
  private lastValue: V | undefined = undefined;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    if (key === this.lastKey && this.lastValue !== undefined) return this.lastValue;
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.lastKey = key;
      this.lastValue = value;
    }
    return value;
  }

  set(key: K, value: V): V {
    if (this.entries.size >= this.capacity && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
    this.lastKey = key;
    this.lastValue = value;
    return value;
  }
}
