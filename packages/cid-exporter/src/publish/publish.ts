/**
 * `publishStore(storeDir, node)`: puts a store's CAR export (FORMAT.md section 11: the manifest, its
 * pages, every record and checkpoint, the payload blocks records reach) into an IPFS node, block by
 * block, and pins the manifest where the node pins. The blocks are those `exportCar` writes (it is run
 * into a temporary file, removed afterwards), so a published store is fetched and verified exactly as a
 * CAR export is (./fetch.ts).
 *
 * Idempotent and resumable: before sending a block the node is asked whether it has it (Helia: its
 * blockstore; Kubo: `block/stat` offline), so a publish that was killed and is run again, or a publish
 * of a store that only grew, sends only what the node lacks. The manifest is sent last, after every
 * block it links is stored, so a manifest on the node means a complete export.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCar } from '../car/car-reader.js';
import { exportCar, type CarExportSummary } from '../export/export-car.js';
import { blockId, blockIdOf } from './block-check.js';
import type { BlockNode } from './block-node.js';
import { Bounded } from './bounded.js';

export interface PublishOptions {
  /** Blocks in flight at once (default 16). */
  concurrency?: number;
  /** Called as each block is settled: `sent` when it was put, otherwise the node had it already. */
  onBlock?: (cid: string, sent: boolean) => void;
  /** The manifest's `created` time (unix ns string); default now. */
  created?: string;
}

export interface PublishSummary {
  /** The node published to (`helia <dir>` or `kubo <url>`). */
  node: string;
  /** The manifest's CID: what `llm-provenance verify --from-ipfs` takes. */
  manifest: string;
  /** Blocks in the export, manifest included. */
  blocks: number;
  /** Blocks put into the node by this run. */
  sent: number;
  /** Blocks the node already had (not sent again). */
  present: number;
  /** Bytes of the blocks sent. */
  bytesSent: number;
  /** Whether the node pinned the manifest (Kubo); Helia keeps its blockstore as it is. */
  pinned: boolean;
  /** What the export left out or warned about (as `export --car` reports it). */
  export: Pick<CarExportSummary, 'records' | 'checkpoints' | 'payloadBlocks' | 'logs' | 'skipped' | 'unreached' | 'largeBlocks'>;
}

export async function publishStore(storeDir: string, node: BlockNode, options: PublishOptions = {}): Promise<PublishSummary> {
  const work = mkdtempSync(join(tmpdir(), 'llm-provenance-publish-'));
  try {
    const carFile = join(work, 'export.car');
    const exported = exportCar(storeDir, carFile, { created: options.created });
    const summary: PublishSummary = {
      node: node.description,
      manifest: exported.root,
      blocks: exported.blocks,
      sent: 0,
      present: 0,
      bytesSent: 0,
      pinned: false,
      export: {
        logs: exported.logs,
        records: exported.records,
        checkpoints: exported.checkpoints,
        payloadBlocks: exported.payloadBlocks,
        skipped: exported.skipped,
        unreached: exported.unreached,
        largeBlocks: exported.largeBlocks,
      },
    };
    const manifest = blockId(exported.root);
    const settle = async (cid: ReturnType<typeof blockIdOf>, bytes: Uint8Array): Promise<void> => {
      if (await node.has(cid)) {
        summary.present++;
        options.onBlock?.(cid.text, false);
        return;
      }
      await node.put(cid, bytes);
      summary.sent++;
      summary.bytesSent += bytes.length;
      options.onBlock?.(cid.text, true);
    };
    const car = openCar(carFile);
    let manifestBytes: Uint8Array | undefined;
    try {
      if (!car.header) throw new Error(`the export could not be read back: ${car.error?.message}`);
      const pool = new Bounded(options.concurrency ?? 16);
      const s = car.sections;
      const buf = (): Buffer => car.file.buf;
      while (s.next()) {
        const cid = blockIdOf(Uint8Array.prototype.slice.call(buf(), s.cidStart, s.dataStart));
        const bytes = Uint8Array.prototype.slice.call(buf(), s.dataStart, s.dataEnd);
        if (cid.text === manifest.text) {
          manifestBytes = bytes;
          continue;
        }
        await pool.add(() => settle(cid, bytes));
      }
      if (s.error) throw new Error(`the export could not be read back: ${s.error.message}`);
      await pool.drain();
    } finally {
      car.file.close();
    }
    if (!manifestBytes) throw new Error(`the export has no manifest block ${manifest.text}`);
    await settle(manifest, manifestBytes);
    summary.pinned = await node.pin(manifest);
    return summary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
