/**
 * RFC 6962 (Certificate Transparency) Merkle tree hash, section 2.1:
 * https://www.rfc-editor.org/rfc/rfc6962#section-2.1
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = SHA-256(0x00 || d0)
 *   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])),  k = largest power of two < n
 * Works for any size, not only powers of two. A store's leaves are the binary CIDs of its records
 * (FORMAT.md section 6); the functions here take any leaf bytes.
 */
import type { CID } from './cid.js';
import { sha256Text } from './sha256.js';

/** Hashes are kept as 32 latin1 characters inside (see sha256Text); Buffers at the API. */
type HashText = string;

const leafInput = Buffer.alloc(1 + 64);
const nodeInput = Buffer.alloc(65);
nodeInput[0] = 0x01;

function leafHashText(leaf: Uint8Array): HashText {
  if (leaf.length > 64) return sha256Text(Buffer.concat([Buffer.from([0x00]), leaf]));
  leafInput[0] = 0x00;
  leafInput.set(leaf, 1);
  return sha256Text(leafInput.subarray(0, 1 + leaf.length));
}

/** Leaf hash of a record given by its CID: sha256(0x00 || binary CID), without allocating the CID bytes. */
function cidLeafHashText(cid: CID): HashText {
  leafInput[0] = 0x00;
  const n = cid.copyBytesTo(leafInput, 1);
  // A dag-json CID is 37 bytes: the view is the same 38 bytes every time, so keep it.
  return sha256Text(n === 37 ? cidLeafView : leafInput.subarray(0, 1 + n));
}
const cidLeafView = leafInput.subarray(0, 38);

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

export function leafHash(leaf: Uint8Array): Buffer {
  return toBuffer(leafHashText(leaf));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) return toBuffer(sha256Text(Buffer.concat([Buffer.from([0x01]), left, right])));
  return toBuffer(nodeHashText(toText(left), toText(right)));
}

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

/** Root over the leaves (each leaf: its bytes, e.g. a record's binary CID). */
export function merkleRoot(leaves: Uint8Array[]): Buffer {
  if (leaves.length === 0) return emptyRoot();
  return toBuffer(rootOfHashes(leaves.map(leafHashText), 0, leaves.length));
}

/** Root over already computed leaf hashes. */
export function merkleRootFromLeafHashes(hashes: Uint8Array[]): Buffer {
  if (hashes.length === 0) return emptyRoot();
  return toBuffer(rootOfHashes(hashes.map(toText), 0, hashes.length));
}

/**
 * Incremental RFC 6962 root in O(log n) memory: keeps the roots of the perfect subtrees that make up the
 * binary decomposition of n (largest first). The root of all n leaves folds them right to left, which is
 * exactly the recursive split at the largest power of two. Adding a leaf allocates nothing but its hash.
 */
export class MerkleAccumulator {
  private readonly sizes: number[] = [];
  private readonly hashes: HashText[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a leaf given by its bytes. */
  add(leaf: Uint8Array): void {
    this.push(leafHashText(leaf));
  }

  /** Adds a leaf given by its hash sha256(0x00 || leaf). */
  addLeafHash(hash: Uint8Array): void {
    this.push(toText(hash));
  }

  /** Adds the leaf of a record: its binary CID (FORMAT.md section 6). */
  addCid(cid: CID): void {
    this.push(cidLeafHashText(cid));
  }

  /** Adds a leaf given as the hash input 0x00 || leaf, already in one buffer (no copy is made). */
  addPrefixedLeaf(input: Uint8Array): void {
    if (input[0] !== 0x00) throw new Error('MerkleAccumulator.addPrefixedLeaf: the input must start with 0x00');
    this.push(sha256Text(input));
  }

  private push(leaf: HashText): void {
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
