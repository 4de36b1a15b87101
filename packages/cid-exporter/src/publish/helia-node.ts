/**
 * The embedded Helia node (https://github.com/ipfs/helia): a filesystem blockstore (blockstore-fs) and
 * bitswap over libp2p TCP, configured loopback-only (./loopback.ts): it listens on 127.0.0.1 only, has
 * no bootstrap list, no mDNS, no DHT, no HTTP gateways and no delegated routing, and its connection
 * gater refuses to dial any address that is not loopback. Peers it exchanges blocks with are the ones it
 * is told to dial. Built from Helia's composable parts (`createHeliaLight`, `withLibp2pLight`,
 * `withBitswap`) rather than `createHelia`, whose defaults add public gateways and the libp2p defaults.
 *
 * The packages are optional peer dependencies loaded here on first use (./esm-import.ts); types are
 * declared structurally below, for what this file uses, so the package's types need none of them.
 */
import { mkdirSync } from 'node:fs';
import type { BlockId, BlockNode } from './block-node.js';
import { importOptional } from './esm-import.js';
import { assertLoopback, DEFAULT_LISTEN, isLoopbackTcp } from './loopback.js';
import { heliaUnsupported } from './runtime.js';

export const HELIA_PACKAGES = [
  'helia',
  '@helia/libp2p',
  '@helia/bitswap',
  'blockstore-fs',
  'datastore-core',
  'libp2p',
  '@libp2p/tcp',
  '@libp2p/noise',
  '@libp2p/yamux',
  '@libp2p/identify',
  '@multiformats/multiaddr',
  'multiformats',
] as const;

/** Thrown when this runtime cannot run Helia: one line saying so. */
export class UnsupportedRuntimeError extends Error {
  override name = 'UnsupportedRuntimeError';
}

export interface HeliaNodeOptions {
  /** Folder of the filesystem blockstore (created if missing). */
  blockstore: string;
  /** Loopback multiaddrs to listen on; default /ip4/127.0.0.1/tcp/0 (a free port). */
  listen?: readonly string[];
  /** What messages call the node; default `helia <blockstore>`. */
  description?: string;
}

interface Multiaddr {
  toString(): string;
}
interface MultiformatsCid {
  toString(): string;
}
interface HeliaLike {
  blockstore: {
    has(cid: MultiformatsCid, options?: { offline?: boolean }): Promise<boolean>;
    put(cid: MultiformatsCid, bytes: Uint8Array): Promise<unknown>;
    get(cid: MultiformatsCid, options?: { signal?: AbortSignal }): Promise<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  };
  libp2p: {
    peerId: { toString(): string };
    getMultiaddrs(): Multiaddr[];
    dial(addr: Multiaddr, options?: { signal?: AbortSignal }): Promise<unknown>;
  };
  start(): Promise<void>;
  stop(): Promise<void>;
}
interface Store {
  open?(): Promise<void>;
  close?(): Promise<void>;
}

/** Loads the Helia packages; throws UnsupportedRuntimeError on Node < 22, MissingPackageError when one is absent. */
async function load() {
  const unsupported = heliaUnsupported();
  if (unsupported) throw new UnsupportedRuntimeError(unsupported);
  const need = <T>(specifier: string): Promise<T> => importOptional<T>(specifier, 'the embedded Helia node', HELIA_PACKAGES);
  const [helia, libp2p, bitswap, fs, core, tcp, noise, yamux, identify, cid, ma] = await Promise.all([
    need<{ createHeliaLight: (init: unknown) => HeliaLike }>('helia'),
    need<{ withLibp2pLight: (h: HeliaLike, o: unknown) => HeliaLike }>('@helia/libp2p'),
    need<{ withBitswap: (h: HeliaLike, o?: unknown) => HeliaLike }>('@helia/bitswap'),
    need<{ FsBlockstore: new (dir: string) => Store }>('blockstore-fs'),
    need<{ MemoryDatastore: new () => Store }>('datastore-core'),
    need<{ tcp: () => unknown }>('@libp2p/tcp'),
    need<{ noise: () => unknown }>('@libp2p/noise'),
    need<{ yamux: () => unknown }>('@libp2p/yamux'),
    need<{ identify: () => unknown }>('@libp2p/identify'),
    need<{ CID: { decode(bytes: Uint8Array): MultiformatsCid } }>('multiformats/cid'),
    need<{ multiaddr: (s: string) => Multiaddr }>('@multiformats/multiaddr'),
  ]);
  return { helia, libp2p, bitswap, fs, core, tcp, noise, yamux, identify, CID: cid.CID, multiaddr: ma.multiaddr };
}

/** A started loopback Helia node over a filesystem blockstore. */
export class HeliaNode implements BlockNode {
  readonly description: string;

  private constructor(
    private readonly node: HeliaLike,
    private readonly blockstore: Store,
    private readonly lib: Awaited<ReturnType<typeof load>>,
    description: string,
  ) {
    this.description = description;
  }

  /** Creates and starts the node; throws UnsupportedRuntimeError, MissingPackageError, or an Error naming a bad address. */
  static async start(options: HeliaNodeOptions): Promise<HeliaNode> {
    const listen = [...(options.listen ?? DEFAULT_LISTEN)];
    assertLoopback(listen, 'listen address');
    const lib = await load();
    mkdirSync(options.blockstore, { recursive: true, mode: 0o700 });
    const blockstore = new lib.fs.FsBlockstore(options.blockstore);
    await blockstore.open?.();
    // a fresh peer identity per start (kept in memory): peers are dialled by address, never looked up
    const datastore = new lib.core.MemoryDatastore();
    const light = lib.helia.createHeliaLight({ blockstore, datastore, routers: [] });
    const libp2pOptions = {
      addresses: { listen },
      transports: [lib.tcp.tcp()],
      connectionEncrypters: [lib.noise.noise()],
      streamMuxers: [lib.yamux.yamux()],
      peerDiscovery: [],
      services: { identify: lib.identify.identify() },
      // https://libp2p.github.io/js-libp2p/interfaces/_libp2p_interface.ConnectionGater.html
      connectionGater: { denyDialMultiaddr: (addr: Multiaddr) => !isLoopbackTcp(stripPeer(addr.toString())) },
    };
    const node = lib.bitswap.withBitswap(lib.libp2p.withLibp2pLight(light, libp2pOptions));
    await node.start();
    return new HeliaNode(node, blockstore, lib, options.description ?? `helia ${options.blockstore}`);
  }

  /** The addresses the node listens on, each ending in /p2p/<its peer id>: what another node dials. */
  get addresses(): string[] {
    return this.node.libp2p.getMultiaddrs().map((a) => a.toString());
  }

  /** Connects to a loopback peer (so bitswap asks it for the blocks this node wants). */
  async dial(addr: string, signal?: AbortSignal): Promise<void> {
    assertLoopback([addr], 'peer address');
    await this.node.libp2p.dial(this.lib.multiaddr(addr), { signal });
  }

  async has(cid: BlockId): Promise<boolean> {
    return this.node.blockstore.has(this.lib.CID.decode(cid.bytes), { offline: true });
  }

  async put(cid: BlockId, bytes: Uint8Array): Promise<void> {
    await this.node.blockstore.put(this.lib.CID.decode(cid.bytes), bytes);
  }

  async get(cid: BlockId, signal: AbortSignal): Promise<Uint8Array> {
    const got = this.node.blockstore.get(this.lib.CID.decode(cid.bytes), { signal });
    if (got instanceof Promise) return got;
    const chunks: Uint8Array[] = [];
    for await (const c of got) chunks.push(c);
    return Buffer.concat(chunks);
  }

  /** Helia keeps every block of its filesystem blockstore until told otherwise: nothing to pin. */
  pin(): Promise<boolean> {
    return Promise.resolve(false);
  }

  async close(): Promise<void> {
    await this.node.stop();
    await this.blockstore.close?.();
  }
}

/** `addr` without a trailing /p2p/<peer id>. */
function stripPeer(addr: string): string {
  return addr.replace(/\/p2p\/[^/]+$/, '');
}
