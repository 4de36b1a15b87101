/**
 * A compact, exact-enough set of sha2-256 digests for readers of stores and CARs of any size: "is a
 * block with this CID present?" for every link, in ~14 bytes per block and no object per block.
 *
 * Layout: 256 partitions by the digest's first byte; a partition keeps the next KEY_BYTES digest bytes
 * of each entry in one Uint8Array, appended while blocks are read, then sorted once (seal()), with a
 * directory of one 4-byte offset per ~16 entries (small enough to stay in the CPU cache), so a lookup
 * is a binary search over a few adjacent entries: one trip to memory rather than two. A key is thus
 * 8 + 96 = 104 bits of the digest. That is what a lookup can confuse: a block that is absent passes as
 * present only if another block's digest shares those 104 bits, i.e. a second preimage on 104 bits of
 * sha2-256 (about 2^104 hashes), while the present block itself was hashed in full against its own CID.
 * Entries added after seal() (a live store's catch-up) go to a small Map beside it.
 *
 * Optional columns: `marks` (1 bit per entry: e.g. reached from a CAR root, or already exported) and
 * `locations` (8 bytes per entry: where the block is, for readers that fetch block bytes later).
 */

const KEY_BYTES = 12;
const INITIAL = 8;
const RECENT = 64;

class Partition {
  keys: Uint8Array = new Uint8Array(INITIAL * KEY_BYTES);
  locations: Float64Array | null;
  aux: Uint32Array | null;
  count = 0;
  /** After seal: entries of bucket b are [dir[b], dir[b+1]); bucket = the first `bits` bits of digest bytes 1..3. */
  dir: Uint32Array | null = null;
  bits = 0;
  marks: Uint8Array | null = null;

  constructor(withLocations: boolean, withAux: boolean, initial: number) {
    this.keys = new Uint8Array(initial * KEY_BYTES);
    this.locations = withLocations ? new Float64Array(initial) : null;
    this.aux = withAux ? new Uint32Array(initial) : null;
  }

  append(digest: Uint8Array, at: number, location: number, aux: number): number {
    if ((this.count + 1) * KEY_BYTES > this.keys.length) {
      // grow by 1.5x: less slack than doubling while the index is built
      const cap = Math.ceil((this.keys.length / KEY_BYTES) * 1.5) + 8;
      const keys = new Uint8Array(cap * KEY_BYTES);
      keys.set(this.keys);
      this.keys = keys;
      if (this.locations) {
        const locs = new Float64Array(cap);
        locs.set(this.locations);
        this.locations = locs;
      }
      if (this.aux) {
        const aux = new Uint32Array(cap);
        aux.set(this.aux);
        this.aux = aux;
      }
    }
    const keys = this.keys;
    const to = this.count * KEY_BYTES;
    for (let i = 0; i < KEY_BYTES; i++) keys[to + i] = digest[at + 1 + i]!;
    if (this.locations) this.locations[this.count] = location;
    if (this.aux) this.aux[this.count] = aux;
    return this.count++;
  }

  bucketOf(keys: Uint8Array, k: number): number {
    if (this.bits === 0) return 0;
    return ((keys[k]! << 16) | (keys[k + 1]! << 8) | keys[k + 2]!) >>> (24 - this.bits);
  }

  /** Sorts the entries by key (a counting sort by bucket, then insertion sort inside each) and builds the directory. */
  seal(withMarks: boolean): number {
    const n = this.count;
    let bits = 0;
    // about sixteen entries per bucket: the directory costs a quarter byte per entry
    while (bits < 24 && 1 << (bits + 4) <= n) bits++;
    this.bits = bits;
    const shift = 24 - bits;
    const buckets = 1 << bits;
    const dir = new Uint32Array(buckets + 1);
    const old = this.keys;
    const bucket = new Uint32Array(n);
    for (let e = 0, k = 0; e < n; e++, k += KEY_BYTES) {
      const b = bits === 0 ? 0 : ((old[k]! << 16) | (old[k + 1]! << 8) | old[k + 2]!) >>> shift;
      bucket[e] = b;
      dir[b + 1]!++;
    }
    for (let b = 0; b < buckets; b++) dir[b + 1]! += dir[b]!;
    const fill = dir.slice(0, buckets);
    const keys = new Uint8Array(n * KEY_BYTES);
    const locs = this.locations ? new Float64Array(n) : null;
    const aux = this.aux ? new Uint32Array(n) : null;
    for (let e = 0; e < n; e++) {
      const b = bucket[e]!;
      // insertion into the bucket's sorted run (stable: equal keys keep their insertion order)
      const lo = dir[b]!;
      let to = fill[b]!++;
      const from = e * KEY_BYTES;
      while (to > lo && compareKeys(keys, (to - 1) * KEY_BYTES, old, from) > 0) {
        moveEntry(keys, locs, aux, to - 1, to);
        to--;
      }
      const at = to * KEY_BYTES;
      for (let i = 0; i < KEY_BYTES; i++) keys[at + i] = old[from + i]!;
      if (locs) locs[to] = this.locations![e]!;
      if (aux) aux[to] = this.aux![e]!;
    }
    this.keys = keys;
    this.locations = locs;
    this.aux = aux;
    this.dir = dir;
    this.marks = withMarks ? new Uint8Array((n + 7) >> 3) : null;
    let duplicates = 0;
    for (let e = 1; e < n; e++) if (sameKey(keys, (e - 1) * KEY_BYTES, keys, e * KEY_BYTES)) duplicates++;
    return duplicates;
  }

  /** Entry index of the first entry with this digest, or -1. */
  find(digest: Uint8Array, at: number): number {
    const keys = this.keys;
    const dir = this.dir!;
    const k = at + 1;
    const b = this.bits === 0 ? 0 : ((digest[k]! << 16) | (digest[k + 1]! << 8) | digest[k + 2]!) >>> (24 - this.bits);
    // lower bound of the key in [dir[b], dir[b + 1])
    let lo = dir[b]!;
    let hi = dir[b + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(keys, mid * KEY_BYTES, digest, k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo < dir[b + 1]! && sameKey(keys, lo * KEY_BYTES, digest, k) ? lo : -1;
  }
}

/** Byte order of two keys. */
function compareKeys(a: Uint8Array, ai: number, b: Uint8Array, bi: number): number {
  for (let i = 0; i < KEY_BYTES; i++) {
    const d = a[ai + i]! - b[bi + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function moveEntry(keys: Uint8Array, locs: Float64Array | null, aux: Uint32Array | null, from: number, to: number): void {
  const t = to * KEY_BYTES;
  const f = from * KEY_BYTES;
  for (let i = 0; i < KEY_BYTES; i++) keys[t + i] = keys[f + i]!;
  if (locs) locs[to] = locs[from]!;
  if (aux) aux[to] = aux[from]!;
}

function sameKey(a: Uint8Array, ai: number, b: Uint8Array, bi: number): boolean {
  for (let i = 0; i < KEY_BYTES; i++) if (a[ai + i] !== b[bi + i]) return false;
  return true;
}

export interface DigestIndexOptions {
  /** Keep a number per entry (e.g. where the block is). */
  locations?: boolean;
  /** Keep one mark bit per entry. */
  marks?: boolean;
  /** Keep a second, 32-bit number per entry (e.g. a CAR section index). */
  aux?: boolean;
  /**
   * Entries expected (e.g. the bytes to read / 1 KiB): partitions start at that size, so fewer grow
   * while the index is built (each growth leaves a copy behind for the garbage collector).
   */
  expected?: number;
}

/** Entry handle: partition * 2^32 + entry index; entries added after seal() from LATE on; -1 for none. */
export type EntryId = number;

const PARTITION = 2 ** 32;
const LATE = 2 ** 41;

export class DigestIndex {
  private readonly parts: Partition[] = [];
  private sealed = false;
  private readonly late = new Map<string, { id: EntryId; location: number; aux: number; marked: boolean }>();
  private lateCount = 0;
  /** Entries whose key equals an earlier entry's (several copies of one block). */
  duplicates = 0;

  constructor(private readonly options: DigestIndexOptions = {}) {
    const initial = Math.max(INITIAL, Math.ceil((options.expected ?? 0) / 256));
    for (let p = 0; p < 256; p++) this.parts.push(new Partition(options.locations === true, options.aux === true, initial));
  }

  /** Entries added (copies included). */
  get size(): number {
    let n = this.lateCount;
    for (const p of this.parts) n += p.count;
    return n;
  }

  /** Adds the 32-byte digest at digest[at]; before seal() appends, after it goes to the late map. */
  add(digest: Uint8Array, at = 0, location = 0, aux = 0): void {
    if (!this.sealed) {
      this.parts[digest[at]!]!.append(digest, at, location, aux);
      return;
    }
    const key = lateKey(digest, at);
    if (this.late.has(key) || this.findSealed(digest, at) >= 0) this.duplicates++;
    if (!this.late.has(key)) this.late.set(key, { id: LATE + this.lateCount++, location, aux, marked: false });
  }

  /** Sorts what was added; lookups need it. Returns the number of duplicate entries found. */
  seal(): number {
    if (this.sealed) return this.duplicates;
    this.sealed = true;
    for (const p of this.parts) this.duplicates += p.seal(this.options.marks === true);
    return this.duplicates;
  }

  get isSealed(): boolean {
    return this.sealed;
  }

  /**
   * Last digests found, direct-mapped by two digest bytes: a store's records link the same few blocks
   * over and over (its resource block, parameters, a system prompt), and a hit here skips the cache misses
   * of a lookup in the sorted arrays.
   */
  private readonly recentKeys = new Uint8Array(RECENT * (1 + KEY_BYTES));
  private readonly recentIds = new Float64Array(RECENT).fill(-1);

  /** The entry for the digest at digest[at], or -1 when none. */
  find(digest: Uint8Array, at = 0): EntryId {
    const slot = (digest[at]! ^ (digest[at + 7]! << 2)) & (RECENT - 1);
    const rk = this.recentKeys;
    const r = slot * (1 + KEY_BYTES);
    if (this.recentIds[slot]! >= 0) {
      let i = 0;
      while (i <= KEY_BYTES && rk[r + i] === digest[at + i]) i++;
      if (i > KEY_BYTES) return this.recentIds[slot]!;
    }
    let id = this.findSealed(digest, at);
    if (id < 0 && this.late.size > 0) id = this.late.get(lateKey(digest, at))?.id ?? -1;
    if (id >= 0) {
      for (let i = 0; i <= KEY_BYTES; i++) rk[r + i] = digest[at + i]!;
      this.recentIds[slot] = id;
    }
    return id;
  }

  private findSealed(digest: Uint8Array, at: number): EntryId {
    const p = digest[at]!;
    const e = this.parts[p]!.find(digest, at);
    return e < 0 ? -1 : p * PARTITION + e;
  }

  location(id: EntryId): number {
    if (id >= LATE) {
      for (const v of this.late.values()) if (v.id === id) return v.location;
      return NaN;
    }
    return this.parts[Math.floor(id / PARTITION)]!.locations![id % PARTITION]!;
  }

  aux(id: EntryId): number {
    if (id >= LATE) {
      for (const v of this.late.values()) if (v.id === id) return v.aux;
      return NaN;
    }
    return this.parts[Math.floor(id / PARTITION)]!.aux![id % PARTITION]!;
  }

  /** Sets the entry's mark; returns whether it was already set. */
  mark(id: EntryId): boolean {
    if (id >= LATE) {
      for (const v of this.late.values()) {
        if (v.id === id) {
          const was = v.marked;
          v.marked = true;
          return was;
        }
      }
      return false;
    }
    const p = this.parts[Math.floor(id / PARTITION)]!;
    const e = id % PARTITION;
    const bit = 1 << (e & 7);
    const was = (p.marks![e >> 3]! & bit) !== 0;
    p.marks![e >> 3]! |= bit;
    return was;
  }

  /**
   * Location and aux of every entry without a mark, leaving out later copies of a digest (find() only
   * ever returns the first copy, so only that one is ever marked).
   */
  unmarked(): Array<{ location: number; aux: number }> {
    const out: Array<{ location: number; aux: number }> = [];
    for (const p of this.parts) {
      for (let e = 0; e < p.count; e++) {
        if ((p.marks![e >> 3]! & (1 << (e & 7))) !== 0) continue;
        // sorted: a later copy of a digest sits right after an equal key
        if (e > 0 && sameKey(p.keys, (e - 1) * KEY_BYTES, p.keys, e * KEY_BYTES)) continue;
        out.push({ location: p.locations?.[e] ?? NaN, aux: p.aux?.[e] ?? NaN });
      }
    }
    for (const v of this.late.values()) if (!v.marked) out.push({ location: v.location, aux: v.aux });
    return out;
  }

  /** Bytes held by the index (for the per-block cost the bench reports). */
  get byteSize(): number {
    let n = 0;
    for (const p of this.parts) n += p.keys.byteLength + (p.dir?.byteLength ?? 0) + (p.marks?.byteLength ?? 0) + (p.locations?.byteLength ?? 0) + (p.aux?.byteLength ?? 0);
    return n + this.late.size * 120;
  }
}

function lateKey(digest: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 1 + KEY_BYTES; i++) s += String.fromCharCode(digest[at + i]!);
  return s;
}
