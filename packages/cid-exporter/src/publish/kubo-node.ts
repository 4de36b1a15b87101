/**
 * A Kubo daemon through its RPC API (https://docs.ipfs.tech/reference/kubo/rpc/), with kubo-rpc-client
 * (an optional peer dependency, loaded on first use). Endpoints used: `block/stat` with `offline` (is the
 * block there, without asking the network), `block/put` with `cid-codec` and `mhtype` (the node answers
 * with the CID it computed, checked against the one asked for), `block/get`, and `pin/add` (recursive)
 * for each published manifest.
 */
import type { BlockId, BlockNode } from './block-node.js';
import { importOptional } from './esm-import.js';

export const KUBO_PACKAGES = ['kubo-rpc-client', 'multiformats'] as const;

/** Where the Kubo RPC API is when no address is given: $LLM_PROVENANCE_IPFS_API, else Kubo's default. */
export function defaultKuboApi(env: NodeJS.ProcessEnv = process.env): string {
  return env.LLM_PROVENANCE_IPFS_API || 'http://127.0.0.1:5001';
}

interface MultiformatsCid {
  toString(): string;
}
interface KuboClient {
  block: {
    put(bytes: Uint8Array, options: Record<string, unknown>): Promise<MultiformatsCid>;
    get(cid: MultiformatsCid, options?: { signal?: AbortSignal }): Promise<Uint8Array>;
    stat(cid: MultiformatsCid, options?: Record<string, unknown>): Promise<{ cid: MultiformatsCid; size: number }>;
  };
  pin: { add(cid: MultiformatsCid, options?: Record<string, unknown>): Promise<MultiformatsCid> };
}

/** Kubo's name of a CID's codec: raw (0x55) or dag-json (0x0129, varint a9 02), the two a store holds. */
function codecName(cid: Uint8Array): string {
  if (cid[1] === 0x55) return 'raw';
  if (cid[1] === 0xa9 && cid[2] === 0x02) return 'dag-json';
  throw new Error(`block ${Buffer.from(cid).toString('hex')} has a codec no store holds`);
}

export class KuboNode implements BlockNode {
  readonly description: string;

  private constructor(
    private readonly client: KuboClient,
    private readonly CID: { decode(bytes: Uint8Array): MultiformatsCid },
    readonly url: string,
  ) {
    this.description = `kubo ${url}`;
  }

  /** A client of the RPC API at `url` (http://host:port); nothing is sent until it is used. */
  static async connect(url: string): Promise<KuboNode> {
    const need = <T>(specifier: string): Promise<T> => importOptional<T>(specifier, 'publishing through Kubo', KUBO_PACKAGES);
    const [kubo, cid] = await Promise.all([
      need<{ create: (options: { url: string }) => KuboClient }>('kubo-rpc-client'),
      need<{ CID: { decode(bytes: Uint8Array): MultiformatsCid } }>('multiformats/cid'),
    ]);
    return new KuboNode(kubo.create({ url }), cid.CID, url);
  }

  async has(cid: BlockId): Promise<boolean> {
    try {
      const stat = await this.client.block.stat(this.CID.decode(cid.bytes), { offline: true });
      return stat.cid.toString() === cid.text;
    } catch (err) {
      // Kubo answers a block it does not hold with an error (HTTP 500, {"Message": ..., "Type": "error"})
      if (/not found|could not find/i.test((err as Error).message)) return false;
      throw err;
    }
  }

  async put(cid: BlockId, bytes: Uint8Array): Promise<void> {
    const codec = codecName(cid.bytes);
    const stored = await this.client.block.put(bytes, { cidCodec: codec, mhtype: 'sha2-256' });
    if (stored.toString() !== cid.text)
      throw new Error(`${this.description} stored block ${cid.text} as ${stored.toString()}: the bytes sent do not match the CID`);
  }

  get(cid: BlockId, signal: AbortSignal): Promise<Uint8Array> {
    return this.client.block.get(this.CID.decode(cid.bytes), { signal });
  }

  async pin(cid: BlockId): Promise<boolean> {
    const pinned = await this.client.pin.add(this.CID.decode(cid.bytes), { recursive: true });
    if (pinned.toString() !== cid.text) throw new Error(`${this.description} pinned ${pinned.toString()} instead of ${cid.text}`);
    return true;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
