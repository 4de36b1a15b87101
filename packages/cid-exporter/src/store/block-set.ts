/**
 * The set of blocks already in a log's pack (FORMAT.md 5.1: a block is written at most once per pack),
 * keyed by CID codec + sha2-256 digest. An open-addressing table over typed arrays: digests are already
 * uniformly random, so the first digest bytes are the hash and no string is built or hashed per block
 * (a Set of CID strings spent ~0.3 µs per new block growing and rehashing, and kept a string per block).
 * Membership is exact: a slot hit is confirmed by comparing the codec and all 32 digest bytes.
 * Digests are given as bytes or, as the writer keeps them, as 32 latin1 characters (see sha256Text).
 */
const ENTRY = 36; // 4 bytes codec (little-endian) + 32 bytes digest

type Digest = Uint8Array | string;

const byteAt = (d: Digest, i: number): number => (typeof d === 'string' ? d.charCodeAt(i) : d[i]!);

export class BlockSet {
  /** Per slot: entry index + 1, or 0 for empty. Length is a power of two, kept at most half full. */
  private slots = new Int32Array(1 << 12);
  private entries = new Uint8Array(ENTRY * (1 << 11));
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the block; returns false when it was already present. */
  add(code: number, digest: Digest): boolean {
    if (digest.length !== 32) throw new Error(`BlockSet: sha2-256 digest must be 32 bytes, got ${digest.length}`);
    const i = this.find(code, digest);
    if (this.slots[i] !== 0) return false;
    const index = this.count;
    if ((index + 1) * ENTRY > this.entries.length) {
      const bigger = new Uint8Array(this.entries.length * 2);
      bigger.set(this.entries);
      this.entries = bigger;
    }
    const at = index * ENTRY;
    const en = this.entries;
    en[at] = code & 0xff;
    en[at + 1] = (code >>> 8) & 0xff;
    en[at + 2] = (code >>> 16) & 0xff;
    en[at + 3] = (code >>> 24) & 0xff;
    if (typeof digest === 'string') for (let k = 0; k < 32; k++) en[at + 4 + k] = digest.charCodeAt(k);
    else en.set(digest, at + 4);
    this.slots[i] = index + 1;
    this.count++;
    if (this.count * 2 > this.slots.length) this.grow();
    return true;
  }

  has(code: number, digest: Digest): boolean {
    return this.slots[this.find(code, digest)] !== 0;
  }

  /**
   * Removes the entries added after the set had `size` entries (an append that was rolled back). Safe
   * with linear probing because they go in reverse order of insertion: no entry still in the set was
   * placed past a slot that is cleared.
   */
  truncate(size: number): void {
    const en = this.entries;
    for (let index = this.count - 1; index >= size; index--) {
      const at = index * ENTRY;
      const code = en[at]! | (en[at + 1]! << 8) | (en[at + 2]! << 16) | (en[at + 3]! << 24);
      this.slots[this.find(code, en.subarray(at + 4, at + ENTRY))] = 0;
      this.count--;
    }
  }

  /** The slot holding (code, digest), or the empty slot where it would go. */
  private find(code: number, digest: Digest): number {
    const mask = this.slots.length - 1;
    let i = ((byteAt(digest, 0) | (byteAt(digest, 1) << 8) | (byteAt(digest, 2) << 16) | (byteAt(digest, 3) << 24)) ^ code) & mask;
    for (;;) {
      const e = this.slots[i]!;
      if (e === 0 || this.matches(e - 1, code, digest)) return i;
      i = (i + 1) & mask;
    }
  }

  private matches(index: number, code: number, digest: Digest): boolean {
    const at = index * ENTRY;
    const en = this.entries;
    if ((en[at]! | (en[at + 1]! << 8) | (en[at + 2]! << 16) | (en[at + 3]! << 24)) !== (code | 0)) return false;
    if (typeof digest === 'string') {
      for (let k = 0; k < 32; k++) if (en[at + 4 + k] !== digest.charCodeAt(k)) return false;
    } else {
      for (let k = 0; k < 32; k++) if (en[at + 4 + k] !== digest[k]) return false;
    }
    return true;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const en = this.entries;
    for (let index = 0; index < this.count; index++) {
      const at = index * ENTRY;
      const code = en[at]! | (en[at + 1]! << 8) | (en[at + 2]! << 16) | (en[at + 3]! << 24);
      let i = ((en[at + 4]! | (en[at + 5]! << 8) | (en[at + 6]! << 16) | (en[at + 7]! << 24)) ^ code) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = index + 1;
    }
    this.slots = slots;
  }
}
