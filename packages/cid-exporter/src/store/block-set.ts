/**
 * The set of blocks already in a log's pack (FORMAT.md 5.1: a block is written at most once per pack),
 * keyed by CID codec + sha2-256 digest. An open-addressing table over typed arrays: digests are already
 * uniformly random, so their first four bytes are the hash, and no string is built or hashed per block.
 * Each slot holds the entry index and those four bytes, so a probe touches the entry (the codec and all
 * 32 digest bytes, compared to confirm a hit) only when they match: a new block costs one random memory
 * access, not two. Digests are read where the writer has them (at an offset in its buffer).
 */
const ENTRY = 36; // 4 bytes codec (little-endian) + 32 bytes digest

type Digest = Uint8Array;

const fingerprint = (d: Digest, at: number): number => d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24);

export class BlockSet {
  /** Per slot: [entry index + 1 (0: empty), fingerprint]. Kept at most half full. */
  private slots = new Int32Array(2 << 12);
  private entries = new Uint8Array(ENTRY * (1 << 11));
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds the block; returns false when it was already present. `at`: where the digest starts in `digest`. */
  add(code: number, digest: Digest, at = 0): boolean {
    if (digest.length - at < 32) throw new Error(`BlockSet: sha2-256 digest must be 32 bytes, got ${digest.length - at}`);
    const fp = fingerprint(digest, at);
    const i = this.find(code, digest, at, fp);
    if (this.slots[i] !== 0) return false;
    const index = this.count;
    if ((index + 1) * ENTRY > this.entries.length) {
      const bigger = new Uint8Array(this.entries.length * 2);
      bigger.set(this.entries);
      this.entries = bigger;
    }
    const e = index * ENTRY;
    const en = this.entries;
    en[e] = code & 0xff;
    en[e + 1] = (code >>> 8) & 0xff;
    en[e + 2] = (code >>> 16) & 0xff;
    en[e + 3] = (code >>> 24) & 0xff;
    for (let k = 0; k < 32; k++) en[e + 4 + k] = digest[at + k]!;
    this.slots[i] = index + 1;
    this.slots[i + 1] = fp;
    this.count++;
    if (this.count * 4 > this.slots.length) this.grow();
    return true;
  }

  has(code: number, digest: Digest, at = 0): boolean {
    return this.slots[this.find(code, digest, at, fingerprint(digest, at))] !== 0;
  }

  /**
   * Removes the entries added after the set had `size` entries (an append that was rolled back). Safe
   * with linear probing because they go in reverse order of insertion: no entry still in the set was
   * placed past a slot that is cleared.
   */
  truncate(size: number): void {
    const en = this.entries;
    for (let index = this.count - 1; index >= size; index--) {
      const e = index * ENTRY;
      const code = en[e]! | (en[e + 1]! << 8) | (en[e + 2]! << 16) | (en[e + 3]! << 24);
      this.slots[this.find(code, en, e + 4, fingerprint(en, e + 4))] = 0;
      this.count--;
    }
  }

  /** Index in `slots` of the slot holding (code, digest), or of the empty slot where it would go. */
  private find(code: number, digest: Digest, at: number, fp: number): number {
    const slots = this.slots;
    const mask = slots.length - 2;
    let i = ((fp ^ code) << 1) & mask;
    for (;;) {
      const e = slots[i]!;
      if (e === 0 || (slots[i + 1] === fp && this.matches(e - 1, code, digest, at))) return i;
      i = (i + 2) & mask;
    }
  }

  private matches(index: number, code: number, digest: Digest, at: number): boolean {
    const e = index * ENTRY;
    const en = this.entries;
    if ((en[e]! | (en[e + 1]! << 8) | (en[e + 2]! << 16) | (en[e + 3]! << 24)) !== (code | 0)) return false;
    for (let k = 0; k < 32; k++) if (en[e + 4 + k] !== digest[at + k]) return false;
    return true;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = slots.length - 2;
    const en = this.entries;
    // In entry order, so the reverse-order removal in truncate() stays valid.
    for (let index = 0; index < this.count; index++) {
      const e = index * ENTRY;
      const code = en[e]! | (en[e + 1]! << 8) | (en[e + 2]! << 16) | (en[e + 3]! << 24);
      const fp = fingerprint(en, e + 4);
      let i = ((fp ^ code) << 1) & mask;
      while (slots[i] !== 0) i = (i + 2) & mask;
      slots[i] = index + 1;
      slots[i + 1] = fp;
    }
    this.slots = slots;
  }
}
