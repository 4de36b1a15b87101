/**
 * Verify's own RFC 6962 Merkle tree hash (https://www.rfc-editor.org/rfc/rfc6962#section-2.1), kept
 * incrementally in O(log n) digests: the writer's tree (src/merkle.ts) is not reused, so a bug shared by
 * both cannot pass unnoticed. The leaf hash of record i is the sha2-256 digest of its line, the digest
 * inside its CID (FORMAT.md section 6): no hash per leaf; node = sha256(0x01 || left || right),
 * MTH({}) = sha256(). Digests are 32-character latin1 strings (see ../read/sha256.ts). A plain-JS
 * SHA-256 for the 65-byte node inputs was tried and is slower than crypto.hash here (about 950 ns
 * against 420 ns on Node 20.20), so crypto.hash it is.
 */
import { sha256Latin1, writeLatin1 } from '../read/sha256.js';

const EMPTY_ROOT = sha256Latin1(new Uint8Array(0));

export class MerkleTree {
  /** Roots of the perfect subtrees making up the tree, largest first, and their sizes. */
  private readonly hashes: string[] = [];
  private readonly sizes: number[] = [];
  private count = 0;
  private readonly nodeInput = Buffer.alloc(65);

  constructor() {
    this.nodeInput[0] = 0x01;
  }

  get size(): number {
    return this.count;
  }

  /** Adds a record by the sha2-256 digest of its line (32 latin1 characters): its leaf hash. */
  addRecord(digest: string): void {
    this.addLeafHash(digest);
  }

  addLeafHash(hash: string): void {
    let h = hash;
    let n = 1;
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === n) {
      this.sizes.pop();
      h = this.node(this.hashes.pop()!, h);
      n *= 2;
    }
    this.hashes.push(h);
    this.sizes.push(n);
    this.count++;
  }

  /** Tree hash of the leaves added so far, as 64 hex digits. */
  rootHex(): string {
    if (this.hashes.length === 0) return Buffer.from(EMPTY_ROOT, 'latin1').toString('hex');
    let r = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) r = this.node(this.hashes[i]!, r);
    return Buffer.from(r, 'latin1').toString('hex');
  }

  private node(left: string, right: string): string {
    const input = this.nodeInput;
    writeLatin1(input, left, 1);
    writeLatin1(input, right, 33);
    return sha256Latin1(input);
  }
}
