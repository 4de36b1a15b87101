/**
 * RFC 6962 (Certificate Transparency) Merkle tree hash, section 2.1:
 * https://www.rfc-editor.org/rfc/rfc6962#section-2.1
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = SHA-256(0x00 || d0)
 *   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])),  k = largest power of two < n
 * Works for any size, not only powers of two.
 */
import { createHash } from 'node:crypto';
import { sha256 } from './cid.js';

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export function leafHash(leaf: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF).update(leaf).digest();
}

/** Leaf hash when the caller already has the bytes 0x00 || leaf in one buffer (saves a copy). */
export function leafHashOfPrefixed(prefixed: Uint8Array): Buffer {
  if (prefixed[0] !== 0x00) throw new Error('leafHashOfPrefixed: first byte must be 0x00');
  return sha256(prefixed);
}

const nodeInput = Buffer.alloc(65);

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) return createHash('sha256').update(NODE).update(left).update(right).digest();
  // One buffer 0x01 || left || right, hashed in one call (no Hash object per node).
  nodeInput[0] = 0x01;
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256(nodeInput);
}

export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

function rootOfHashes(hashes: Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 1) return hashes[start]!;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash(rootOfHashes(hashes, start, start + k), rootOfHashes(hashes, start + k, end));
}

/** Root over the leaves (each leaf: the exact record line bytes without newline). */
export function merkleRoot(leaves: Uint8Array[]): Buffer {
  if (leaves.length === 0) return emptyRoot();
  return rootOfHashes(leaves.map(leafHash), 0, leaves.length);
}

/** Root over already computed leaf hashes. */
export function merkleRootFromLeafHashes(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) return emptyRoot();
  return rootOfHashes(hashes, 0, hashes.length);
}

/**
 * Incremental RFC 6962 root in O(log n) memory: keeps the roots of the perfect subtrees that make up the
 * binary decomposition of n (largest first). The root of all n leaves folds them right to left, which is
 * exactly the recursive split at the largest power of two.
 */
export class MerkleAccumulator {
  private readonly stack: { size: number; hash: Buffer }[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(leaf: Uint8Array): void {
    this.addLeafHash(leafHash(leaf));
  }

  addLeafHash(hash: Buffer): void {
    let node = { size: 1, hash };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.count++;
  }

  root(): Buffer {
    if (this.stack.length === 0) return emptyRoot();
    let r = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash(this.stack[i]!.hash, r);
    return r;
  }
}
