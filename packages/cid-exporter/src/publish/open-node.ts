/** Opens the node a command or the exporter publishes to or fetches from: the embedded Helia node or a Kubo RPC API. */
import { join } from 'node:path';
import type { BlockNode } from './block-node.js';
import { HeliaNode } from './helia-node.js';
import { KuboNode } from './kubo-node.js';

/** Where a store's embedded Helia node keeps its blocks unless told otherwise: inside the store. */
export function defaultHeliaBlockstore(storeDir: string): string {
  return join(storeDir, 'ipfs', 'blockstore');
}

export type NodeSpec = { kind: 'helia'; blockstore: string; listen?: readonly string[]; peers?: readonly string[] } | { kind: 'kubo'; url: string };

/** Starts (Helia, dialling `peers`) or connects to (Kubo) the node `spec` names. */
export async function openNode(spec: NodeSpec): Promise<BlockNode & { addresses?: string[] }> {
  if (spec.kind === 'kubo') return KuboNode.connect(spec.url);
  const description = spec.peers?.length ? `helia peers ${spec.peers.join(', ')}` : undefined;
  const node = await HeliaNode.start({ blockstore: spec.blockstore, listen: spec.listen, description });
  try {
    for (const peer of spec.peers ?? []) await node.dial(peer, AbortSignal.timeout(30_000));
  } catch (err) {
    await node.close();
    throw err;
  }
  return node;
}
