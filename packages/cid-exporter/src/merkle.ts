/**
 * The Merkle tree of a log's checkpoints (FORMAT.md section 6): RFC 6962 (Certificate Transparency)
 * section 2.1 (https://www.rfc-editor.org/rfc/rfc6962#section-2.1) with the leaf hashes given directly:
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = the leaf hash of d0: for a store, the sha2-256 digest inside record 0's CID
 *   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])),  k = largest power of two < n
 * Works for any size, not only powers of two. RFC 6962 hashes each leaf as SHA-256(0x00 || leaf) so that
 * no leaf can pass for an interior node; here the leaf hash is the record's own digest, which is safe
 * because a record line begins with `{` (FORMAT.md section 6 gives the argument), and saves a hash per
 * record: a root can be recomputed from the record CIDs alone.
 */
import type { CID } from './cid.js';
import { sha256Text } from './sha256.js';

/** Hashes are kept as 32 latin1 characters inside (see sha256Text); Buffers at the API. */
type HashText = string;

const nodeInput = Buffer.alloc(65);
nodeInput[0] = 0x01;

function nodeHashText(left: HashText, right: HashText): HashText {
  // One buffer 0x01 || left || right, hashed in one call (no Hash object per node).
  for (let i = 0; i < 32; i++) {
    nodeInput[1 + i] = left.charCodeAt(i);
    nodeInput[33 + i] = right.charCodeAt(i);
  }
  return sha256Text(nodeInput);
}

const toText = (hash: Uint8Array): HashText => Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
const toBuffer = (hash: HashText): Buffer => Buffer.from(hash, 'latin1');

function checkHash(hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new Error(`Merkle tree: a leaf or node hash is 32 bytes, got ${hash.length}`);
  return hash;
}

/** Interior node hash sha256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return toBuffer(nodeHashText(toText(checkHash(left)), toText(checkHash(right))));
}

/** Root of the empty tree: sha256(""). */
export function emptyRoot(): Buffer {
  return toBuffer(sha256Text(new Uint8Array(0)));
}

function rootOfHashes(hashes: HashText[], start: number, end: number): HashText {
  const n = end - start;
  if (n === 1) return hashes[start]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHashText(rootOfHashes(hashes, start, start + k), rootOfHashes(hashes, start + k, end));
}

/** Root over leaf hashes (for a store: the records' sha2-256 digests, in seq order). */
export function merkleRoot(leafHashes: Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return emptyRoot();
  return toBuffer(
    rootOfHashes(
      leafHashes.map((h) => toText(checkHash(h))),
      0,
      leafHashes.length,
    ),
  );
}

/** Root over records given by their CIDs (the leaf hash of a record is the digest inside its CID). */
export function merkleRootOfRecords(cids: CID[]): Buffer {
  if (cids.length === 0) return emptyRoot();
  return toBuffer(
    rootOfHashes(
      cids.map((c) => c.digestText),
      0,
      cids.length,
    ),
  );
}

/**
 * Incremental root in O(log n) memory: keeps the roots of the perfect subtrees that make up the binary
 * decomposition of n (largest first). The root of all n leaves folds them right to left, which is exactly
 * the recursive split at the largest power of two. Adding a leaf hashes only the nodes it completes
 * (one on average).
 */
export class MerkleAccumulator {
  private readonly sizes: number[] = [];
  private readonly hashes: HashText[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a leaf given by its hash. */
  addLeafHash(hash: Uint8Array): void {
    this.addLeafHashText(toText(checkHash(hash)));
  }

  /** Adds a record by its CID (leaf hash = its digest, FORMAT.md section 6). */
  addCid(cid: CID): void {
    this.addLeafHashText(cid.digestText);
  }

  /** Adds a leaf hash given as 32 latin1 characters (as sha256Text returns it). */
  addLeafHashText(leaf: HashText): void {
    const sizes = this.sizes;
    const hashes = this.hashes;
    let size = 1;
    let hash = leaf;
    while (sizes.length > 0 && sizes[sizes.length - 1] === size) {
      sizes.pop();
      hash = nodeHashText(hashes.pop()!, hash);
      size *= 2;
    }
    sizes.push(size);
    hashes.push(hash);
    this.count++;
  }

  root(): Buffer {
    const hashes = this.hashes;
    if (hashes.length === 0) return emptyRoot();
    let r = hashes[hashes.length - 1]!;
    for (let i = hashes.length - 2; i >= 0; i--) r = nodeHashText(hashes[i]!, r);
    return toBuffer(r);
  }
}
