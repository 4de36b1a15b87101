/**
 * A compact, exact-enough set of sha2-256 digests for readers of stores and CARs of any size: "is a
 * block with this CID present?" for every link, in ~33 bytes per block and no object per block.
 *
 * Layout: 256 partitions by the digest's first byte; a partition keeps the next KEY_BYTES digest bytes
 * of each entry, appended while blocks are read to fixed-size chunks that never move, then sorted in
 * place (seal()), with a
 * directory of one 4-byte offset per ~16 entries (small enough to stay in the CPU cache), so a lookup
 * is a binary search over a few adjacent entries: one trip to memory rather than two. The partition byte
 * and the key are the whole digest, so a lookup is exact: a link whose CID differs from every block's in
 * any byte is missing. (A key of a digest prefix would be smaller, but then a link edited in the bytes
 * past the prefix would still resolve, and an edited CAR or store would verify.)
 * Entries added after seal() (a live store's catch-up) go to a small Map beside it.
 *
 * Optional columns: `marks` (1 bit per entry: e.g. reached from a CAR root, or already exported) and
 * `locations` (8 bytes per entry: where the block is, for readers that fetch block bytes later).
 */

/** Digest bytes after the partition byte: all of them (sha2-256, 32 bytes). */
const KEY_BYTES = 31;
const RECENT = 64;
/** Entries per chunk (2^CHUNK_BITS): a partition is a list of chunks, so it never moves to grow. */
const CHUNK_BITS = 9;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/**
 * One partition: entries in fixed-size chunks that are filled in order and never copied (growing one
 * array would leave copies behind for the garbage collector, and gathering the chunks into one array
 * would hold the index twice), sorted in place by seal(). Entry e is at chunk e >> CHUNK_BITS.
 */
class Partition {
  keys: Uint8Array[] = [];
  locations: Float64Array[] | null;
  aux: Uint32Array[] | null;
  count = 0;
  /** After seal: entries of bucket b are [dir[b], dir[b+1]); bucket = the first `bits` bits of digest bytes 1..3. */
  dir: Uint32Array | null = null;
  bits = 0;
  marks: Uint8Array | null = null;
  private readonly tmp = new Uint8Array(KEY_BYTES);

  constructor(withLocations: boolean, withAux: boolean) {
    this.locations = withLocations ? [] : null;
    this.aux = withAux ? [] : null;
  }

  append(digest: Uint8Array, at: number, location: number, aux: number): number {
    const e = this.count;
    const c = e >>> CHUNK_BITS;
    if (c === this.keys.length) {
      this.keys.push(new Uint8Array(CHUNK * KEY_BYTES));
      this.locations?.push(new Float64Array(CHUNK));
      this.aux?.push(new Uint32Array(CHUNK));
    }
    const chunk = this.keys[c]!;
    const to = (e & MASK) * KEY_BYTES;
    for (let i = 0; i < KEY_BYTES; i++) chunk[to + i] = digest[at + 1 + i]!;
    if (this.locations) this.locations[c]![e & MASK] = location;
    if (this.aux) this.aux[c]![e & MASK] = aux;
    return this.count++;
  }

  bucketOf(e: number): number {
    if (this.bits === 0) return 0;
    const k = this.keys[e >>> CHUNK_BITS]!;
    const o = (e & MASK) * KEY_BYTES;
    return ((k[o]! << 16) | (k[o + 1]! << 8) | k[o + 2]!) >>> (24 - this.bits);
  }

  /** Byte order of entry e's key and the key at other[at]. */
  compareTo(e: number, other: Uint8Array, at: number): number {
    const k = this.keys[e >>> CHUNK_BITS]!;
    const o = (e & MASK) * KEY_BYTES;
    for (let i = 0; i < KEY_BYTES; i++) {
      const d = k[o + i]! - other[at + i]!;
      if (d !== 0) return d;
    }
    return 0;
  }

  /** Whether entries e and f have the same key. */
  sameEntries(e: number, f: number): boolean {
    const a = this.keys[e >>> CHUNK_BITS]!;
    const b = this.keys[f >>> CHUNK_BITS]!;
    return sameKey(a, (e & MASK) * KEY_BYTES, b, (f & MASK) * KEY_BYTES);
  }

  /** Swaps entry e with the entry held in `tmp` / `held` (location, aux). */
  private exchange(e: number, held: { loc: number; aux: number }): void {
    const k = this.keys[e >>> CHUNK_BITS]!;
    const o = (e & MASK) * KEY_BYTES;
    const tmp = this.tmp;
    for (let i = 0; i < KEY_BYTES; i++) {
      const x = k[o + i]!;
      k[o + i] = tmp[i]!;
      tmp[i] = x;
    }
    if (this.locations) {
      const l = this.locations[e >>> CHUNK_BITS]!;
      const x = l[e & MASK]!;
      l[e & MASK] = held.loc;
      held.loc = x;
    }
    if (this.aux) {
      const a = this.aux[e >>> CHUNK_BITS]!;
      const x = a[e & MASK]!;
      a[e & MASK] = held.aux;
      held.aux = x;
    }
  }

  /** Copies entry `from` over entry `to`. */
  private move(from: number, to: number): void {
    const a = this.keys[from >>> CHUNK_BITS]!;
    const b = this.keys[to >>> CHUNK_BITS]!;
    const f = (from & MASK) * KEY_BYTES;
    const t = (to & MASK) * KEY_BYTES;
    for (let i = 0; i < KEY_BYTES; i++) b[t + i] = a[f + i]!;
    if (this.locations) this.locations[to >>> CHUNK_BITS]![to & MASK] = this.locations[from >>> CHUNK_BITS]![from & MASK]!;
    if (this.aux) this.aux[to >>> CHUNK_BITS]![to & MASK] = this.aux[from >>> CHUNK_BITS]![from & MASK]!;
  }

  location(e: number): number {
    return this.locations ? this.locations[e >>> CHUNK_BITS]![e & MASK]! : NaN;
  }

  auxOf(e: number): number {
    return this.aux ? this.aux[e >>> CHUNK_BITS]![e & MASK]! : NaN;
  }

  /**
   * Sorts the entries by key in place (a cycle-leader counting sort by bucket, then insertion sort inside
   * each bucket) and builds the directory. Copies of one digest end up next to each other, in no
   * particular order.
   */
  seal(withMarks: boolean): number {
    const n = this.count;
    let bits = 0;
    // about sixteen entries per bucket: the directory costs a quarter byte per entry
    while (bits < 24 && 1 << (bits + 4) <= n) bits++;
    this.bits = bits;
    const buckets = 1 << bits;
    const dir = new Uint32Array(buckets + 1);
    for (let e = 0; e < n; e++) dir[this.bucketOf(e) + 1]!++;
    for (let b = 0; b < buckets; b++) dir[b + 1]! += dir[b]!;
    // next unplaced slot of each bucket
    const next = dir.slice(0, buckets);
    const tmp = this.tmp;
    const held = { loc: 0, aux: 0 };
    for (let b = 0; b < buckets; b++) {
      const end = dir[b + 1]!;
      while (next[b]! < end) {
        const i = next[b]!;
        let target = this.bucketOf(i);
        if (target === b) {
          next[b]!++;
          continue;
        }
        // carry the entry at i around its cycle until one for bucket b comes back to i
        this.exchange(i, held);
        while (target !== b) {
          const j = next[target]!++;
          const tb = this.bucketOf(j);
          this.exchange(j, held);
          target = tb;
        }
        this.exchange(i, held);
        next[b]!++;
      }
    }
    // each bucket by key (insertion sort; buckets hold ~16 entries)
    for (let b = 0; b < buckets; b++) {
      const lo = dir[b]!;
      const hi = dir[b + 1]!;
      for (let e = lo + 1; e < hi; e++) {
        const k = this.keys[e >>> CHUNK_BITS]!;
        const o = (e & MASK) * KEY_BYTES;
        if (this.compareTo(e - 1, k, o) <= 0) continue;
        for (let i = 0; i < KEY_BYTES; i++) tmp[i] = k[o + i]!;
        held.loc = this.location(e);
        held.aux = this.auxOf(e);
        let to = e;
        while (to > lo && this.compareTo(to - 1, tmp, 0) > 0) {
          this.move(to - 1, to);
          to--;
        }
        // the held entry goes into the free slot at `to`
        this.exchange(to, held);
      }
    }
    this.dir = dir;
    this.marks = withMarks ? new Uint8Array((n + 7) >> 3) : null;
    let duplicates = 0;
    for (let e = 1; e < n; e++) if (this.sameEntries(e - 1, e)) duplicates++;
    return duplicates;
  }

  /** Entry index of an entry with this digest (the lowest in sorted order), or -1. */
  find(digest: Uint8Array, at: number): number {
    const dir = this.dir!;
    const k = at + 1;
    const b = this.bits === 0 ? 0 : ((digest[k]! << 16) | (digest[k + 1]! << 8) | digest[k + 2]!) >>> (24 - this.bits);
    // buckets are small and sorted: scan, comparing the first four key bytes as one number
    const want = ((digest[k]! << 24) | (digest[k + 1]! << 16) | (digest[k + 2]! << 8) | digest[k + 3]!) >>> 0;
    const keys = this.keys;
    for (let e = dir[b]!, end = dir[b + 1]!; e < end; e++) {
      const ch = keys[e >>> CHUNK_BITS]!;
      const o = (e & MASK) * KEY_BYTES;
      const have = ((ch[o]! << 24) | (ch[o + 1]! << 16) | (ch[o + 2]! << 8) | ch[o + 3]!) >>> 0;
      if (have < want) continue;
      if (have > want) return -1;
      let i = 4;
      while (i < KEY_BYTES && ch[o + i] === digest[k + i]) i++;
      if (i === KEY_BYTES) return e;
      if (ch[o + i]! > digest[k + i]!) return -1;
    }
    return -1;
  }

  byteSize(): number {
    return this.keys.length * CHUNK * (KEY_BYTES + (this.locations ? 8 : 0) + (this.aux ? 4 : 0)) + (this.dir?.byteLength ?? 0) + (this.marks?.byteLength ?? 0);
  }
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
    for (let p = 0; p < 256; p++) this.parts.push(new Partition(options.locations === true, options.aux === true));
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
    return this.parts[Math.floor(id / PARTITION)]!.location(id % PARTITION);
  }

  aux(id: EntryId): number {
    if (id >= LATE) {
      for (const v of this.late.values()) if (v.id === id) return v.aux;
      return NaN;
    }
    return this.parts[Math.floor(id / PARTITION)]!.auxOf(id % PARTITION);
  }

  /** Sets the entry's mark; returns whether it was already set. */
  mark(id: EntryId): boolean {
    return this.setMark(id, true);
  }

  /** Clears the entry's mark; returns whether it was set (e.g. a reached block, written once). */
  unmark(id: EntryId): boolean {
    return this.setMark(id, false);
  }

  private setMark(id: EntryId, on: boolean): boolean {
    if (id >= LATE) {
      for (const v of this.late.values()) {
        if (v.id === id) {
          const was = v.marked;
          v.marked = on;
          return was;
        }
      }
      return false;
    }
    const p = this.parts[Math.floor(id / PARTITION)]!;
    const e = id % PARTITION;
    const bit = 1 << (e & 7);
    const was = (p.marks![e >> 3]! & bit) !== 0;
    if (on) p.marks![e >> 3]! |= bit;
    else p.marks![e >> 3]! &= ~bit;
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
        if (e > 0 && p.sameEntries(e - 1, e)) continue;
        out.push({ location: p.location(e), aux: p.auxOf(e) });
      }
    }
    for (const v of this.late.values()) if (!v.marked) out.push({ location: v.location, aux: v.aux });
    return out;
  }

  /** Bytes held by the index (for the per-block cost the bench reports). */
  get byteSize(): number {
    let n = 0;
    for (const p of this.parts) n += p.byteSize();
    return n + this.late.size * 120;
  }
}

function lateKey(digest: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 1 + KEY_BYTES; i++) s += String.fromCharCode(digest[at + i]!);
  return s;
}
