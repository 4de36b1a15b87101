/**
 * What publishing and fetching need of an IPFS node, whichever it is (the embedded Helia node,
 * ./helia-node.ts, or a Kubo daemon over its RPC API, ./kubo-node.ts): blocks by CID, in and out.
 * Neither node checks a block's bytes against its CID on put or on a local get, so this package does
 * (./block-check.ts).
 */

/** A block's CID in both forms: the string (multibase base32) and the binary CID. */
export interface BlockId {
  text: string;
  bytes: Uint8Array;
}

export interface BlockNode {
  /** What the node is, for messages: `helia <dir>` or `kubo <url>`. */
  readonly description: string;
  /** Whether the node already holds the block (locally: never asks the network). */
  has(cid: BlockId): Promise<boolean>;
  /** Stores the block; throws when the node reports storing it under another CID. */
  put(cid: BlockId, bytes: Uint8Array): Promise<void>;
  /** The block's bytes as the node returns them (checked by the caller); throws when it cannot get it. */
  get(cid: BlockId, signal: AbortSignal): Promise<Uint8Array>;
  /** Keeps the manifest and everything it links from the node's garbage collection, where it has one. */
  pin(cid: BlockId): Promise<boolean>;
  close(): Promise<void>;
}
