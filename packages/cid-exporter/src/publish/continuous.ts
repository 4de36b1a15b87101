/**
 * Publishing after each checkpoint (the exporter's `publish` option): the store is published
 * (./publish.ts) whenever a checkpoint is written, one publish at a time; checkpoints written while one
 * runs are covered by one more run after it. Each run sends only what the node lacks. The node is
 * opened on the first run (the embedded Helia node stays up, listening on loopback, until close) and a
 * failure is a warning, never an error of the exporter: the store is the record, the node a copy.
 */
import type { BlockNode } from './block-node.js';
import { defaultKuboApi } from './kubo-node.js';
import { defaultHeliaBlockstore, openNode, type NodeSpec } from './open-node.js';
import { publishStore, type PublishSummary } from './publish.js';

export interface ContinuousPublishOptions {
  /** The embedded Helia node: its blockstore (default STORE/ipfs/blockstore) and loopback listen addresses. */
  helia?: { blockstore?: string; listen?: string[] };
  /** A Kubo RPC API URL; `true` for $LLM_PROVENANCE_IPFS_API (default http://127.0.0.1:5001). */
  kubo?: string | true;
  /** Told of each completed publish (the manifest CID is what `verify --from-ipfs` takes). */
  onPublished?: (summary: PublishSummary) => void;
}

export class ContinuousPublisher {
  private node: Promise<BlockNode> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private broken = false;
  private closed = false;
  private readonly spec: NodeSpec;

  constructor(
    private readonly storeDir: string,
    private readonly options: ContinuousPublishOptions,
    private readonly warn: (message: string) => void,
  ) {
    this.spec =
      options.kubo !== undefined
        ? { kind: 'kubo', url: options.kubo === true ? defaultKuboApi() : options.kubo }
        : { kind: 'helia', blockstore: options.helia?.blockstore ?? defaultHeliaBlockstore(storeDir), listen: options.helia?.listen };
  }

  /** A checkpoint was written: publish now, or once more after the run under way. */
  schedule(): void {
    if (this.broken || this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const node = await (this.node ??= openNode(this.spec));
        const summary = await publishStore(this.storeDir, node);
        this.options.onPublished?.(summary);
      } catch (err) {
        if (
          this.node &&
          (await this.node.then(
            () => false,
            () => true,
          ))
        )
          this.broken = true; // the node could not be opened: stop trying
        this.warn(`publishing the store to IPFS failed: ${(err as Error).message}`);
      }
    } while (this.again && !this.broken);
    this.running = undefined;
  }

  /** Waits for the publish under way (and the one it owes), then stops the node. */
  async close(): Promise<void> {
    while (this.running) await this.running;
    this.closed = true;
    const node = await this.node?.catch(() => undefined);
    await node?.close();
  }
}
